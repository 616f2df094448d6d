package dev.iothub.playground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.embedded.LocalMosquittoPods;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The tutorial with mosquitto installed: every broker Deployment runs as a real mosquitto process
 * made from the operator's objects, and the example thermostat goes through the failover and the
 * failback over MQTT, reconnecting each time to the new region's broker.
 */
class PlaygroundMqttIT {
  /** The MQTT evidence, in the order the output must show it (besides the tutorial's steps). */
  static final String[] MQTT = {
    "each pod runs here as a real mosquitto process (mosquitto is installed)",
    "(the broker Deployment in iothub-westus2 runs here as mosquitto pid ",
    "Step 2. Register devices",
    "MQTT: thermostat-1 connects to contoso-hub.manlfailrg.svc.cluster.local:8883",
    "  connected: the hub's endpoint leads to the broker in iothub-westus2 (West US 2)",
    "  sent telemetry 21.5 to devices/thermostat-1/messages/events/ (QoS 1): acknowledged",
    "MQTT: pump-42 (enabled: false) is refused: NOT_AUTHORIZED.",
    "Step 4. Start the manual failover",
    "Manual failover is complete. contoso-hub is running in West Central US.",
    "MQTT: thermostat-1 lost its connection when the broker in iothub-westus2 (West US 2) stopped,"
        + " and reconnected ",
    " ms later to the broker in iothub-westcentralus (West Central US), mosquitto pid ",
    "  sent telemetry 21.6 to devices/thermostat-1/messages/events/ (QoS 1): acknowledged",
    "Step 8. Fail back to West US 2",
    "Manual failback is complete. contoso-hub is running in West US 2.",
    "MQTT: thermostat-1 lost its connection when the broker in iothub-westcentralus (West Central"
        + " US) stopped, and reconnected ",
    " ms later to the broker in iothub-westus2 (West US 2), mosquitto pid ",
    "  sent telemetry 21.7 to devices/thermostat-1/messages/events/ (QoS 1): acknowledged",
    "The tutorial ran in ",
  };

  @Test
  void aDeviceGoesThroughTheFailoverAndTheFailbackOverMqtt() {
    try (OperatorHarness h = OperatorHarness.start()) {
      LocalMosquittoPods pods = LocalMosquittoPods.create(h.client());
      h.kubelet().runPods(pods);
      PlaygroundMockTest.Played played =
          PlaygroundMockTest.play(h, h.clock(), LocalBrokers.running(pods));

      String out = played.out();
      assertThat(played.code()).as(out).isZero();
      PlaygroundMockTest.inOrder(out, PlaygroundMockTest.TUTORIAL);
      inOrder(out, MQTT);
      assertThat(reconnectMillis(out)).hasSize(2).allMatch(ms -> ms < 5_000);
      // The tutorial's clean-up deleted the hub: its brokers stopped in both regions. The kubelet
      // stops a pod when it sees its Deployment go, a moment after the hub is gone (seen on CI).
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(pods.pod("iothub-westcentralus", HubFixtures.CONTOSO_BROKER)).isEmpty();
                assertThat(pods.pod("iothub-westus2", HubFixtures.CONTOSO_BROKER)).isEmpty();
              });
      h.kubelet().close();
      // A stopped broker leaves the process table a moment after the kill (seen on CI).
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(mosquittoProcesses()).isEmpty());
    }
  }

  static void inOrder(String out, String... fragments) {
    PlaygroundMockTest.inOrder(out, fragments);
  }

  /** The reconnection times the output reports, in milliseconds. */
  static List<Long> reconnectMillis(String out) {
    Matcher m = Pattern.compile("and reconnected (\\d+) ms later").matcher(out);
    List<Long> ms = new ArrayList<>();
    while (m.find()) {
      ms.add(Long.parseLong(m.group(1)));
    }
    return ms;
  }

  /** mosquitto processes that the playground started (their config lies in a pod directory). */
  /** Mosquitto processes of broker pods under {@code dir}, whoever started them. */
  static List<String> mosquittoProcessesUnder(java.nio.file.Path dir) {
    return ProcessHandle.allProcesses()
        .map(p -> p.info().commandLine().orElse(""))
        .filter(line -> line.contains("mosquitto") && line.contains(dir.toString()))
        .toList();
  }

  /** This JVM's own mosquitto processes: other runs on the machine (a benchmark) have theirs. */
  static List<String> mosquittoProcesses() {
    return ProcessHandle.current()
        .descendants()
        .map(p -> p.info().commandLine().orElse(""))
        .filter(line -> line.contains("mosquitto") && line.contains("iothub-pod-"))
        .toList();
  }
}
