package dev.iothub.playground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.config.AdjustableClock;
import dev.iothub.operator.failover.FailoverPolicy;
import dev.iothub.testing.OperatorHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The playground's tutorial against the operator's controllers on the embedded API server: every
 * step of the portal tutorial, in order, within the minute; and a step whose outcome is not the
 * tutorial's stops it with exit code 1.
 */
class PlaygroundMockTest {
  /** The tutorial's steps and their evidence, in the order the output must show them. */
  static final String[] TUTORIAL = {
    "SIMULATED: a stand-in kubelet marks the broker Deployments available",
    "Step 1. Create a resource group and an IoT hub in West US 2",
    "namespace/manlfailrg created",
    "iothub.iothub.dev/contoso-hub created",
    "status: Active: contoso-hub is running in West US 2.",
    "SIMULATED kubelet",
    "Step 2. Register devices",
    "500 stand-in device records (device-0001 to device-0500) written to the registry in"
        + " iothub-westus2 in one bulk write",
    "$ kubectl apply -f examples/tutorial/04-devices.yaml",
    "device.iothub.dev/thermostat-1 created",
    "device.iothub.dev/pump created",
    "thermostat-1: ",
    "pump-42: ",
    "The operator counts 502 devices (the 500 stand-ins and the 2 Devices above)",
    "Step 3. See the hub's current and failover location",
    "$ kubectl iothub hub show contoso-hub -n manlfailrg",
    "Current location:   West US 2 (westus2)",
    "Failover location:  West Central US (westcentralus)",
    "Devices:            502",
    "Step 4. Start the manual failover, typing the hub name to confirm",
    "$ kubectl iothub failover start contoso-hub -n manlfailrg\n"
        + "(SIMULATED input: the playground types \"contoso-hub\" at the prompt below)\n",
    "Type the hub name to confirm the manual failover: contoso-hub\n",
    "Manual failover in progress.",
    "step 1/5 MigratingRegistry",
    "[####################] 100%  done                           502/502 devices",
    "Manual failover is complete. contoso-hub is running in West Central US.",
    "Step 5. The hub runs in West Central US",
    "Current location:   West Central US (westcentralus)",
    "Failover location:  West US 2 (westus2)",
    "Quota left:         1 failover, 2 failbacks",
    "Step 6. Try to fail back at once: refused until an hour has passed",
    "Rejected (TooSoon): The previous operation on contoso-hub completed less than 1 hour ago."
        + " The next operation is allowed at ",
    "Retry after: ",
    "(exit code 3)",
    "Step 7. Wait an hour",
    "The playground moves its clock forward 61 minutes (SIMULATED time: ",
    "Step 8. Fail back to West US 2, typing the hub name to confirm",
    "(SIMULATED input: the playground types \"contoso-hub\" at the prompt below)\n",
    "Type the hub name to confirm the manual failback: contoso-hub\n",
    "Manual failback in progress.",
    "[####################] 100%  done                           502/502 devices",
    "Manual failback is complete. contoso-hub is running in West US 2.",
    "Step 9. The hub runs in West US 2 again",
    "Current location:   West US 2 (westus2)",
    "Failover location:  West Central US (westcentralus)",
    "Quota left:         1 failover, 1 failback",
    "$ kubectl iothub failover history contoso-hub -n manlfailrg",
    "Failover  Succeeded  West US 2        West Central US  502",
    "Failback  Rejected",
    "Failback  Succeeded  West Central US  West US 2        502",
    "Step 10. Clean up: delete the resource group (portal: Delete resource group)",
    "$ kubectl delete namespace manlfailrg\nnamespace \"manlfailrg\" deleted\n",
    "(SIMULATED: the namespace controller deletes the hub, requests, devices, keys)",
    "The hub's finalizer removed its brokers, registry and certificates from both\nregions",
    "-n iothub-westus2 -l iothub.dev/hub-name=contoso-hub\n"
        + "No resources found in iothub-westus2 namespace.",
    "-n iothub-westcentralus -l iothub.dev/hub-name=contoso-hub\n"
        + "No resources found in iothub-westcentralus namespace.",
    "What remains: the namespaces iothub-westus2 and iothub-westcentralus,",
    "The tutorial ran in ",
    "Do the same on a real cluster",
    "kubectl apply -f crds/",
    "kubectl iothub failover start contoso-hub -n manlfailrg",
  };

  @Test
  void playsEveryStepOfTheTutorialInOrderWithinAMinute() {
    try (OperatorHarness h = OperatorHarness.start()) {
      Played played = play(h, h.clock(), LocalBrokers.simulated("the test runs without them"));

      String out = played.out();
      assertThat(played.code()).as(out).isZero();
      inOrder(out, TUTORIAL);
      // Without local brokers the output says that no broker runs, and no MQTT step is played.
      // The clean-up is real: the resource group and every object of the hub are gone.
      assertThat(h.client().namespaces().withName("manlfailrg").get()).isNull();
      assertThat(h.client().resources(IoTHub.class).inAnyNamespace().list().getItems()).isEmpty();
      assertThat(h.client().resources(Device.class).inAnyNamespace().list().getItems()).isEmpty();
      for (String ns : new String[] {"iothub-westus2", "iothub-westcentralus"}) {
        assertThat(h.client().apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(h.client().secrets().inNamespace(ns).list().getItems()).isEmpty();
      }
      // Nothing is typed by a person: each simulated answer says so, once per confirmation.
      assertThat(out.split("SIMULATED input: ", -1)).hasSize(3);
      assertThat(out)
          .doesNotContain("The playground stopped")
          .contains("no MQTT broker runs: the test runs without them.\nWith mosquitto 2 installed")
          .doesNotContain("MQTT: ");
    }
  }

  @Test
  void withoutAClockToMoveItStopsBeforeTheFailback() {
    try (OperatorHarness h = OperatorHarness.start()) {
      Played played = play(h, null, LocalBrokers.simulated("the test runs without them"));

      String out = played.out();
      assertThat(played.code()).as(out).isEqualTo(1);
      inOrder(
          out,
          "Rejected (TooSoon)",
          "Step 7. Wait an hour",
          "The playground stopped at step 7: the operator reads the system clock, so the"
              + " playground cannot move time forward");
      assertThat(out).doesNotContain("Step 8.").doesNotContain("Do the same on a real cluster");
    }
  }

  @Test
  void aFailoverThatFailsStopsThePlayground() {
    FailoverPolicy quickDeadline =
        new FailoverPolicy(2, 2, Duration.ofHours(24), Duration.ofHours(1), Duration.ofSeconds(2));
    try (OperatorHarness h =
        OperatorHarness.start(OperatorHarness.testSettings().withFailover(quickDeadline))) {
      h.kubelet().breakNamespace("iothub-westcentralus");
      Played played = play(h, h.clock(), LocalBrokers.simulated("the test runs without them"));

      String out = played.out();
      assertThat(played.code()).as(out).isEqualTo(1);
      inOrder(
          out,
          "Manual failover in progress.",
          "Failed (TargetNotAvailable): The broker in West Central US did not become available",
          "(exit code 1)",
          "The playground stopped at step 4: the command ended with exit code 1, not 0");
    }
  }

  /** What the tutorial printed and its exit code. */
  record Played(int code, String out) {}

  /** Plays the tutorial on the harness's operator, within the minute the issue allows. */
  static Played play(OperatorHarness h, AdjustableClock adjustable, LocalBrokers brokers) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Tutorial tutorial =
        new Tutorial(
            h.client(),
            h.settings().regions(),
            h.clock(),
            adjustable,
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            brokers);
    int code = assertTimeoutPreemptively(Duration.ofSeconds(60), tutorial::run);
    return new Played(code, bytes.toString(StandardCharsets.UTF_8));
  }

  static void inOrder(String text, String... fragments) {
    int from = 0;
    for (String fragment : fragments) {
      int at = text.indexOf(fragment, from);
      assertThat(at)
          .as(
              "expected after position %d: %s%s%n--- in:%n%s",
              from,
              fragment,
              text.contains(fragment) ? " (it comes earlier)" : " (it is missing)",
              text)
          .isGreaterThanOrEqualTo(0);
      from = at + fragment.length();
    }
  }
}
