package dev.iothub.playground;

import dev.iothub.embedded.LocalMosquittoPods;
import dev.iothub.embedded.MosquittoProcess;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The playground's brokers: local mosquitto processes when this machine has a mosquitto that can
 * run them, else none (SIMULATED), with the reason to show.
 *
 * @param pods the pods, or null
 * @param whyNot why no broker runs, when {@code pods} is null
 */
public record LocalBrokers(LocalMosquittoPods pods, String whyNot) {
  /** Where the brokers' {@code $7$} password hashes (PBKDF2-SHA512) became readable. */
  static final int MIN_MAJOR_VERSION = 2;

  public static LocalBrokers detect(KubernetesClient client) {
    return detect(client, MosquittoProcess.binary());
  }

  static LocalBrokers detect(KubernetesClient client, Optional<Path> binary) {
    if (binary.isEmpty()) {
      return simulated("mosquitto is not installed");
    }
    Optional<String> version = MosquittoProcess.version(binary.get());
    if (version.isEmpty() || major(version.get()) < MIN_MAJOR_VERSION) {
      return simulated(
          binary.get()
              + " is mosquitto "
              + version.orElse("of an unknown version")
              + ", and the brokers' password hashes need "
              + MIN_MAJOR_VERSION
              + ".0 or later");
    }
    return running(LocalMosquittoPods.create(client));
  }

  public static LocalBrokers running(LocalMosquittoPods pods) {
    return new LocalBrokers(pods, null);
  }

  public static LocalBrokers simulated(String whyNot) {
    return new LocalBrokers(null, whyNot);
  }

  public Optional<LocalMosquittoPods> local() {
    return Optional.ofNullable(pods);
  }

  private static int major(String version) {
    try {
      return Integer.parseInt(version.split("\\.")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
