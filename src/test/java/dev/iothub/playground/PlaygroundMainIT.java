package dev.iothub.playground;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.cli.Launcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, {@code java -jar target/quarkus-app/quarkus-run.jar}, on a machine
 * with no cluster (and mosquitto, as the tests install it): the packaged application plays the
 * whole tutorial, each step in order, with a device on MQTT through the failover and the failback,
 * in under a minute, and exits 0 with no broker process left behind.
 */
class PlaygroundMainIT {
  @Test
  void theMainCommandPlaysTheTutorialWithoutACluster(@TempDir Path home) {
    Path jar = Launcher.quarkusApp().resolve("quarkus-run.jar");
    Map<String, String> noCluster = new HashMap<>();
    for (String variable :
        List.of("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_MASTER", "IOTHUB_EMBEDDED")) {
      noCluster.put(variable, null);
    }

    Launcher.Result r = Launcher.run(command(home, jar), noCluster, "", Duration.ofSeconds(120));

    assertThat(r.code()).as(r.toString()).isZero();
    PlaygroundMockTest.inOrder(r.out(), PlaygroundMockTest.TUTORIAL);
    PlaygroundMqttIT.inOrder(r.out(), PlaygroundMqttIT.MQTT);
    assertThat(PlaygroundMqttIT.mosquittoProcessesUnder(tmp(home)))
        .as("mosquitto left running")
        .isEmpty();
    assertThat(r.took()).as(r.toString()).isLessThan(Duration.ofSeconds(60));
  }

  @Test
  void iothubEmbeddedPlaysTheTutorialWhateverTheKubeContextAndSaysSo(@TempDir Path home)
      throws IOException {
    // A configured context whose server is gone: without the variable, the main command stops.
    Path kubeconfig =
        Files.writeString(
            home.resolve("kubeconfig.yaml"),
            """
            apiVersion: v1
            kind: Config
            clusters:
            - {name: gone, cluster: {server: "https://127.0.0.1:1"}}
            contexts:
            - {name: gone, context: {cluster: gone, user: alice}}
            current-context: gone
            users:
            - {name: alice, user: {token: t}}
            """);
    Path jar = Launcher.quarkusApp().resolve("quarkus-run.jar");
    Map<String, String> env = new HashMap<>();
    env.put("KUBERNETES_SERVICE_HOST", null);
    env.put("KUBERNETES_MASTER", null);
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("IOTHUB_EMBEDDED", "true");

    Launcher.Result r = Launcher.run(command(home, jar), env, "", Duration.ofSeconds(120));

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("IOTHUB_EMBEDDED=true, so your kube context is not used: the operator runs on an")
        .contains("Unset IOTHUB_EMBEDDED to run the operator on your kube context's cluster.")
        .doesNotContain("No Kubernetes cluster is configured");
    PlaygroundMockTest.inOrder(r.out(), PlaygroundMockTest.TUTORIAL);
    assertThat(PlaygroundMqttIT.mosquittoProcessesUnder(tmp(home)))
        .as("mosquitto left running")
        .isEmpty();
  }

  /** The README's main command, with this test's home and temporary directory. */
  private static List<String> command(Path home, Path jar) {
    return List.of(
        Launcher.java(),
        "-Duser.home=" + home,
        "-Djava.io.tmpdir=" + tmp(home),
        "-jar",
        jar.toString());
  }

  /**
   * The launched JVM's temporary directory: its broker pods' files, and so their command lines. Not
   * under the test's own directory: mosquitto, dropping to its user, must be able to pass through.
   */
  private static Path tmp(Path home) {
    Path link = home.resolve("tmp-dir");
    try {
      if (Files.exists(link)) {
        return Path.of(Files.readString(link));
      }
      Path tmp =
          Files.createTempDirectory(
              "iothub-main-it-",
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                  java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x")));
      Files.writeString(link, tmp.toString());
      return tmp;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
