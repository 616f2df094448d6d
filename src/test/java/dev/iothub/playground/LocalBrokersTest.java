package dev.iothub.playground;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether the playground runs its brokers as local mosquitto: only with a mosquitto that reads the
 * brokers' {@code $7$} password hashes (2.0 or later); otherwise it says why, and they stay
 * SIMULATED. Stand-in executables print what {@code mosquitto -h} prints.
 */
class LocalBrokersTest {
  @TempDir Path dir;

  @Test
  void noMosquittoMeansSimulatedBrokers() {
    LocalBrokers brokers = LocalBrokers.detect(null, Optional.empty());

    assertThat(brokers.local()).isEmpty();
    assertThat(brokers.whyNot()).isEqualTo("mosquitto is not installed");
  }

  @Test
  void aMosquittoOlderThanTwoCannotReadTheHashes() throws IOException {
    Path old = fakeMosquitto("mosquitto version 1.6.9");

    LocalBrokers brokers = LocalBrokers.detect(null, Optional.of(old));

    assertThat(brokers.local()).isEmpty();
    assertThat(brokers.whyNot())
        .isEqualTo(old + " is mosquitto 1.6.9, and the brokers' password hashes need 2.0 or later");
  }

  @Test
  void aProgramThatDoesNotSayItsVersionIsNotTrusted() throws IOException {
    Path odd = fakeMosquitto("usage: something else");

    assertThat(LocalBrokers.detect(null, Optional.of(odd)).whyNot())
        .isEqualTo(
            odd
                + " is mosquitto of an unknown version, and the brokers' password hashes need 2.0"
                + " or later");
  }

  @Test
  void mosquittoTwoRunsThem() throws IOException {
    LocalBrokers brokers =
        LocalBrokers.detect(null, Optional.of(fakeMosquitto("mosquitto version 2.0.18")));

    assertThat(brokers.local()).isPresent();
    assertThat(brokers.whyNot()).isNull();
    brokers.local().get().close();
  }

  private Path fakeMosquitto(String firstLine) throws IOException {
    Path script = dir.resolve("mosquitto");
    Files.writeString(
        script, "#!/bin/sh\necho '" + firstLine + "'\necho\necho 'more help'\nexit 3\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
