package dev.iothub.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.operator.broker.PasswordFile;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.broker.ServiceUser;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryShard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker pod's assembly script, run by a real shell with its gunzip and awk on a volume laid
 * out as the kubelet lays out a projected volume: the password file it writes from the registry
 * shards is, byte for byte, the one {@link PasswordFile} defines; a shard it cannot read leaves the
 * live file and the recorded version as they were.
 */
class PodPasswordAssemblyIT {
  @TempDir Path root;

  @Test
  void theLinesTakenFromTheShardsAreThePasswordFileItself() throws Exception {
    String services = services();
    // Every character a device id may hold, disabled devices and one without a key yet.
    List<DeviceRecord> shard0 =
        List.of(
            device("A-z.0_9%*?!(),=@$'", true),
            device("thermostat-1", true),
            device("unplugged", false),
            new DeviceRecord("waiting-for-key", true, null, null));
    List<DeviceRecord> shard2 = List.of(device("meter-7", true), device("meter-8", true));
    Path volume = volume("..2026_12_03_17_00_00.000000001", services, Map.of(0, shard0, 2, shard2));

    assertThat(assemble(volume).exitCode()).isZero();

    String expected =
        PasswordFile.join(
            List.of(
                services,
                PasswordFile.deviceFragment(shard0),
                PasswordFile.deviceFragment(shard2)));
    assertThat(Files.readString(passwords(), StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(expected)
        .contains("A-z.0_9%*?!(),=@$':$7$", "thermostat-1:", "meter-8:")
        .doesNotContain("unplugged", "waiting-for-key");
    assertThat(Files.readString(auth().resolve("assembled")).strip())
        .isEqualTo("..2026_12_03_17_00_00.000000001");
    assertThat(auth().resolve("passwd.part")).doesNotExist();
  }

  @Test
  void aShardThatCannotBeReadLeavesTheLiveFileAsItWas() throws Exception {
    Path volume = volume("..first", services(), Map.of(0, List.of(device("thermostat-1", true))));
    assertThat(assemble(volume).exitCode()).isZero();
    String live = Files.readString(passwords());

    Path next = volume.resolve("..second");
    Files.createDirectory(next);
    Files.writeString(next.resolve(BrokerResources.SERVICE_LINES), services());
    Files.writeString(next.resolve(BrokerResources.shardFile(0)), "not gzip");
    swap(volume, "..second");

    Result failed = assemble(volume);

    assertThat(failed.exitCode()).isNotZero();
    assertThat(Files.readString(passwords())).isEqualTo(live);
    assertThat(Files.readString(auth().resolve("assembled")).strip()).isEqualTo("..first");
  }

  private record Result(int exitCode, String output) {}

  /** The init container's script, its paths moved under the temporary directory. */
  private Result assemble(Path volume) throws IOException, InterruptedException {
    Files.createDirectories(auth());
    String script = BrokerResources.ASSEMBLE.replace("/mosquitto/", root + "/mosquitto/");
    Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), output);
  }

  /**
   * A projected volume as the kubelet writes it: files in a timestamped directory behind ..data.
   */
  private Path volume(String version, String services, Map<Integer, List<DeviceRecord>> shards)
      throws IOException {
    Path volume = Path.of(root + BrokerResources.FRAGMENTS_DIR);
    Path dir = volume.resolve(version);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(BrokerResources.SERVICE_LINES), services);
    for (var e : shards.entrySet()) {
      Files.write(
          dir.resolve(BrokerResources.shardFile(e.getKey())),
          RegistryShard.compress(RegistryShard.canonical(e.getValue())));
    }
    swap(volume, version);
    return volume;
  }

  private static void swap(Path volume, String version) throws IOException {
    Path data = volume.resolve("..data");
    Files.deleteIfExists(data);
    Files.createSymbolicLink(data, Path.of(version));
  }

  private Path auth() {
    return Path.of(root + "/mosquitto/auth");
  }

  private Path passwords() {
    return Path.of(root + BrokerResources.PASSWORDS);
  }

  private static String services() {
    Map<ServiceUser, String> hashes = new EnumMap<>(ServiceUser.class);
    for (ServiceUser user : ServiceUser.values()) {
      hashes.put(user, PasswordHashes.hash("key-of-" + user.username()));
    }
    return PasswordFile.serviceFragment(hashes);
  }

  private static DeviceRecord device(String id, boolean enabled) {
    return new DeviceRecord(id, enabled, PasswordHashes.hash("key-" + id), "2026-12-03T17:00:00Z");
  }
}
