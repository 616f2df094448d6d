package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import dev.iothub.embedded.MosquittoProcess;
import dev.iothub.operator.broker.TestHub.Device;
import dev.iothub.operator.registry.DeviceRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PasswordHashes} against mosquitto's own tools: it verifies the lines {@code
 * mosquitto_passwd} writes, and the broker accepts the lines it writes, side by side in one file.
 */
class PasswordHashesMosquittoIT {
  static final String MOSQUITTO_PASSWD = "/usr/bin/mosquitto_passwd";

  @Test
  void verifiesTheLinesMosquittoPasswdWrites() throws Exception {
    for (String password :
        List.of(DeviceKeys.newKey(), "secret", "pässwörd €uro", "with:colon$and$dollars")) {
      String line = mosquittoPasswd("device-1", password);
      assertThat(line).startsWith("device-1:$7$101$");
      String hash = line.substring("device-1:".length());
      assertThat(PasswordHashes.isWellFormed(hash)).as(hash).isTrue();
      assertThat(PasswordHashes.verify(password, hash)).as(password).isTrue();
      assertThat(PasswordHashes.verify(password + "x", hash)).isFalse();
    }
  }

  @Test
  void theBrokerAcceptsOurLinesAlongsideMosquittoPasswdLines() throws Exception {
    Device ours = Device.create("hashed-by-operator");
    Device theirs = Device.create("hashed-by-mosquitto-passwd");
    String theirLine = mosquittoPasswd(theirs.id(), theirs.key());
    String passwordFile =
        PasswordFile.join(
            List.of(
                TestHub.passwordFile(List.<DeviceRecord>of(ours.record(true))), theirLine + "\n"));

    try (BrokerDirectory files = BrokerDirectory.render(TestHub.CA, TestHub.SERVER, passwordFile);
        MosquittoProcess broker = files.start()) {
      Mqtt5BlockingClient a = TestHub.mqtt5(broker.port(), ours.id(), ours.key());
      Mqtt5BlockingClient b = TestHub.mqtt5(broker.port(), theirs.id(), theirs.key());
      a.disconnect();
      b.disconnect();
      assertThatThrownBy(() -> TestHub.mqtt5(broker.port(), ours.id(), theirs.key()))
          .isInstanceOf(Mqtt5ConnAckException.class);
    }
  }

  /**
   * The line {@code mosquitto_passwd -b} writes for one user. The password goes through {@code
   * printf} as octal escapes of its UTF-8 bytes, so that it reaches mosquitto_passwd as UTF-8
   * whatever the locale the JVM encodes command-line arguments with.
   */
  private static String mosquittoPasswd(String user, String password)
      throws IOException, InterruptedException {
    Path file = Files.createTempFile("passwd-", ".txt");
    try {
      Process p =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "exec " + MOSQUITTO_PASSWD + " -b \"$1\" \"$2\" \"$(printf \"$3\")\"",
                  "sh",
                  file.toString(),
                  user,
                  octalEscapes(password))
              .redirectErrorStream(true)
              .start();
      String output = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(output).isZero();
      List<String> lines = Files.readAllLines(file);
      assertThat(lines).hasSize(1);
      return lines.get(0);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static String octalEscapes(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      out.append(String.format("\\%03o", b & 0xff));
    }
    return out.toString();
  }
}
