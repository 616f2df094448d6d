package dev.iothub.operator.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.testing.GzipBomb;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceImportFileTest {
  static final DeviceImportFile.Limits DEFAULTS = DeviceImportFile.Limits.defaults();

  @Test
  void aGzipBombIsRefusedAtTheLimitWithoutInflatingIt() {
    byte[] bomb = GzipBomb.of(10);
    assertThat(bomb.length).isLessThan(1024 * 1024);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long allocatedBefore = threads.getThreadAllocatedBytes(id);
    long started = System.nanoTime();

    DeviceImportFile.Refused refused =
        catchThrowableOfType(
            DeviceImportFile.Refused.class,
            () -> new DeviceImportFile.Reader(DEFAULTS).read("fleet-0", bomb));

    long allocated = threads.getThreadAllocatedBytes(id) - allocatedBefore;
    assertThat(refused).isNotNull();
    assertThat(refused.kind()).isEqualTo(DeviceImportFile.Refused.Kind.TOO_LARGE);
    assertThat(refused.getMessage())
        .startsWith("Nothing was imported: Secret fleet-0 inflates to more than 16777216 bytes")
        .contains("iothub.device-import.max-secret-bytes", "Split the devices");
    // Inflating it whole would allocate 640 MiB; streaming stops at the limit (16 MiB).
    assertThat(allocated).isLessThan(8L * 1024 * 1024);
    assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
  }

  @Test
  void secretBytesExactlyAtTheLimitAreAcceptedOneMoreIsRefused() throws Exception {
    String csv = "a,k1\nb,k2\n"; // 10 bytes
    var limits = new DeviceImportFile.Limits(10, 100, 100, 100);
    DeviceImportFile.Reader ok = new DeviceImportFile.Reader(limits);
    ok.read("s", DeviceImportFile.compress(csv));
    assertThat(ok.parsed().entries()).hasSize(2);

    assertThat(refusal(limits, csv + "\n"))
        .contains(
            "Secret s inflates to more than 10 bytes (iothub.device-import.max-secret-bytes)");
  }

  @Test
  void secretLinesExactlyAtTheLimitAreAcceptedOneMoreIsRefused() throws Exception {
    var limits = new DeviceImportFile.Limits(1000, 3, 100, 1000);
    DeviceImportFile.Reader ok = new DeviceImportFile.Reader(limits);
    ok.read("s", DeviceImportFile.compress("# header\na,k1\nb,k2\n"));
    assertThat(ok.parsed().entries()).hasSize(2);

    assertThat(refusal(limits, "# header\na,k1\nb,k2\n\n"))
        .contains("Secret s has more than 3 lines (iothub.device-import.max-secret-lines)");
  }

  @Test
  void recordsOfTheImportExactlyAtTheLimitAreAcceptedOneMoreIsRefused() throws Exception {
    var limits = new DeviceImportFile.Limits(1000, 100, 3, 1000);
    DeviceImportFile.Reader ok = new DeviceImportFile.Reader(limits);
    ok.read("s-0", DeviceImportFile.compress("a,k1\nb,k2\n"));
    ok.read("s-1", DeviceImportFile.compress("# comments do not count\nc,k3\n"));
    assertThat(ok.parsed().entries()).extracting(DeviceImportFile.Entry::id).contains("a", "c");

    DeviceImportFile.Reader over = new DeviceImportFile.Reader(limits);
    over.read("s-0", DeviceImportFile.compress("a,k1\nb,k2\n"));
    DeviceImportFile.Refused refused =
        catchThrowableOfType(
            DeviceImportFile.Refused.class,
            () -> over.read("s-1", DeviceImportFile.compress("c,k3\nd,k4\n")));
    assertThat(refused.getMessage())
        .contains("the import has more than 3 records (iothub.device-import.max-records)");
  }

  @Test
  void bytesOfTheImportExactlyAtTheLimitAreAcceptedOneMoreIsRefused() throws Exception {
    var limits = new DeviceImportFile.Limits(100, 100, 100, 20);
    DeviceImportFile.Reader ok = new DeviceImportFile.Reader(limits);
    ok.read("s-0", DeviceImportFile.compress("a,k1\nb,k2\n"));
    ok.read("s-1", DeviceImportFile.compress("c,k3\nd,k4\n"));
    assertThat(ok.parsed().entries()).hasSize(4);

    DeviceImportFile.Reader over = new DeviceImportFile.Reader(limits);
    over.read("s-0", DeviceImportFile.compress("a,k1\nb,k2\n"));
    DeviceImportFile.Refused refused =
        catchThrowableOfType(
            DeviceImportFile.Refused.class,
            () -> over.read("s-1", DeviceImportFile.compress("c,k3\nd,k45\n")));
    assertThat(refused.getMessage())
        .contains(
            "the import's Secrets inflate to more than 20 bytes (iothub.device-import.max-bytes),"
                + " reached in Secret s-1");
  }

  @Test
  void dataThatIsNotGzipIsRefusedWithAdvice() {
    DeviceImportFile.Refused refused =
        catchThrowableOfType(
            DeviceImportFile.Refused.class,
            () ->
                new DeviceImportFile.Reader(DEFAULTS)
                    .read("plain", "a,key\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(refused.kind()).isEqualTo(DeviceImportFile.Refused.Kind.NOT_GZIP);
    assertThat(refused.getMessage()).contains("Secret plain", "gzip");
  }

  @Test
  void problemsNameTheLineNeverItsContent() throws Exception {
    String key = keyThatIsNoDeviceId();
    String key2 = DeviceKeys.newKey();
    String csv =
        String.join(
            "\n",
            "ok-1,k",
            key + ",swapped-1", // key first: a base64 key is no valid id
            "ok-3," + key2 + ",maybe",
            key2,
            "ok-1," + key,
            "x".repeat(2000) + "," + key,
            "");
    DeviceImportFile.Reader reader = new DeviceImportFile.Reader(DEFAULTS);
    reader.read("s", DeviceImportFile.compress(csv));
    List<String> problems = reader.parsed().problems();

    assertThat(problems)
        .containsExactly(
            "line 2: the device id has a character the broker cannot hold: only letters, digits"
                + " and - . % _ * ? ! ( ) , = @ $ ' are allowed (no : + # / ; or white space); is"
                + " the key in the first column?",
            "line 3: enabled must be true or false",
            "line 4: expected deviceId,primaryKey[,enabled] but found 1 field",
            "line 5: the device id appears twice (first on line 1)",
            "line 6: the line is longer than 1024 bytes");
    assertThat(String.join(" ", problems)).doesNotContain(key, key2, "swapped", "xxxx");
  }

  @Test
  void theCliParsesTextWithLineNumbersAcrossChunks() {
    var parsed = DeviceImportFile.parse(List.of("a,k1\nb,k2\n", "bad id!,k3\n"));
    assertThat(parsed.entries()).hasSize(2);
    assertThat(parsed.problems()).singleElement().asString().startsWith("line 3: ");
  }

  /**
   * A key with '+' or '/', which no device id has (about 3 keys in 4): one without them is also a
   * valid id, and a swapped line with such a key imports a device named after it, silently.
   */
  static String keyThatIsNoDeviceId() {
    String key = DeviceKeys.newKey();
    while (key.indexOf('+') < 0 && key.indexOf('/') < 0) {
      key = DeviceKeys.newKey();
    }
    return key;
  }

  private static String refusal(DeviceImportFile.Limits limits, String csv) {
    DeviceImportFile.Refused refused =
        catchThrowableOfType(
            DeviceImportFile.Refused.class,
            () -> new DeviceImportFile.Reader(limits).read("s", DeviceImportFile.compress(csv)));
    assertThat(refused).as("refused").isNotNull();
    assertThat(refused.kind()).isEqualTo(DeviceImportFile.Refused.Kind.TOO_LARGE);
    return refused.getMessage();
  }
}
