package dev.iothub.playground;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.cli.Launcher;
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

    Launcher.Result r =
        Launcher.run(
            List.of(Launcher.java(), "-Duser.home=" + home, "-jar", jar.toString()),
            noCluster,
            "",
            Duration.ofSeconds(120));

    assertThat(r.code()).as(r.toString()).isZero();
    PlaygroundMockTest.inOrder(r.out(), PlaygroundMockTest.TUTORIAL);
    PlaygroundMqttIT.inOrder(r.out(), PlaygroundMqttIT.MQTT);
    assertThat(PlaygroundMqttIT.mosquittoProcesses()).as("mosquitto left running").isEmpty();
    assertThat(r.took()).as(r.toString()).isLessThan(Duration.ofSeconds(60));
  }
}
