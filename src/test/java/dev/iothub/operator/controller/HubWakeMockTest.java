package dev.iothub.operator.controller;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.status.Timestamps;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hub's status writes that concern no child (the standby's sync time, the device count, the
 * checksum) wake none of its Devices and requests; an operation starting and ending, and the move
 * of its current location, wake every Device, and a request that has ended is never woken again.
 * Reconciliations are counted as JOSDK reports them, per object.
 */
class HubWakeMockTest {
  private static final int DEVICES = 20;
  private OperatorHarness h;

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void onlyTheHubChangesAChildReadsWakeIt() throws InterruptedException {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    HubFixtures f = new HubFixtures(h);
    f.createReadyHub("fixtures/hub-westus2.yaml");
    IntStream.range(0, DEVICES).forEach(i -> h.client().resource(device("sensor-" + i)).create());
    IntStream.range(0, DEVICES).forEach(i -> awaitRegistered("sensor-" + i));
    f.request("mistyped", "contoso-hub", "contoso-hbu");
    f.awaitPhase("mistyped", RequestPhase.Rejected);
    h.awaitQuiet(Duration.ofSeconds(30));

    Map<String, Long> before = deviceReconciles();
    long rejected = h.reconciles("FailoverRequest", NS, "mistyped");
    for (int minute = 1; minute <= 5; minute++) {
      // What the hub controller writes each minute of an idle or growing hub.
      int m = minute;
      h.client()
          .resources(IoTHub.class)
          .inNamespace(NS)
          .withName("contoso-hub")
          .editStatus(
              hub -> {
                RegistryStatus registry = hub.getStatus().getRegistry();
                registry.setStandbySyncedAt(
                    Timestamps.format(h.clock().instant().plus(Duration.ofMinutes(m))));
                registry.setDevices(1_000L + m);
                registry.setChecksum("sha256:" + m);
                hub.getStatus().setMessage("Idle for " + m + " minutes.");
                return hub;
              });
    }
    // The children's informers see each write within milliseconds; give them ample time to wake.
    Thread.sleep(2_000);
    h.awaitQuiet(Duration.ofSeconds(30));
    assertThat(deviceReconciles()).isEqualTo(before);
    assertThat(h.reconciles("FailoverRequest", NS, "mistyped")).isEqualTo(rejected);

    // A failover concerns them: it freezes the registry, then moves it to another region.
    h.server().drainRequests();
    f.request("failover", "contoso-hub", "contoso-hub");
    f.awaitPhase("failover", RequestPhase.Succeeded);
    IntStream.range(0, DEVICES).forEach(i -> awaitRegistered("sensor-" + i));
    h.awaitQuiet(Duration.ofSeconds(30));
    // Woken, registered Devices find nothing to do: no status goes to RegistryFrozen and back.
    assertThat(h.server().drainRequests())
        .filteredOn(r -> r.contains("/devices/") && !r.startsWith("GET "))
        .isEmpty();
    Map<String, Long> after = deviceReconciles();
    for (String name : before.keySet()) {
      // At least one wake when the operation started and one when it ended and the hub moved.
      assertThat(after.get(name)).as(name).isGreaterThanOrEqualTo(before.get(name) + 2);
    }
    assertThat(h.reconciles("FailoverRequest", NS, "mistyped")).isEqualTo(rejected);
    assertThat(h.reconciles("FailoverRequest", NS, "failover")).isGreaterThanOrEqualTo(3);
  }

  private static Device device(String name) {
    Device d = new Device();
    d.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    DeviceSpec spec = new DeviceSpec();
    spec.setHubName("contoso-hub");
    d.setSpec(spec);
    return d;
  }

  private Map<String, Long> deviceReconciles() {
    Map<String, Long> counts = new HashMap<>();
    IntStream.range(0, DEVICES)
        .forEach(i -> counts.put("sensor-" + i, h.reconciles("Device", NS, "sensor-" + i)));
    return counts;
  }

  private void awaitRegistered(String name) {
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> {
              Device d = h.client().resources(Device.class).inNamespace(NS).withName(name).get();
              return d != null
                  && d.getStatus() != null
                  && "Registered".equals(d.getStatus().getReason());
            });
  }
}
