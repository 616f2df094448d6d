package dev.iothub.operator.failover;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator is restarted at random moments of failovers and failbacks in turn: once a request
 * has Succeeded, the hub's status reports the registry of the region it now runs in (device count
 * and checksum), at once, not after the next periodic pass.
 */
class RegistryStatusAfterRestartMockTest {
  private static final int DEVICES = 3000;
  private static final int OPERATIONS = 8;
  private OperatorHarness h;
  private HubFixtures f;

  @BeforeEach
  void start() {
    h =
        OperatorHarness.start(
            OperatorHarness.testSettings()
                .withFailover(
                    new FailoverPolicy(
                        FailoverPolicy.MAX_OPERATIONS_PER_WINDOW,
                        FailoverPolicy.MAX_OPERATIONS_PER_WINDOW,
                        Duration.ofHours(24),
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(5)))
                // One informer per region namespace, as a chart install with a region list runs.
                .withWatchedRegionNamespaces(Set.of("iothub-westus2", "iothub-westcentralus")));
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    f = new HubFixtures(h);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void statusCountsTheNewCurrentRegionWhenARestartedOperatorFinishesTheOperation()
      throws Exception {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    Region westus2 = h.settings().regions().find("westus2").orElseThrow();
    RegistryStore registry = new RegistryStore(h.client());
    registry.write(hub, westus2, HubFixtures.devices(DEVICES, "dev-"), h.clock().instant());
    // The write is not the operator's: the periodic pass or the shard events report it.
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                registry(h.hub(NS, "contoso-hub")) != null
                    && registry(h.hub(NS, "contoso-hub")).getDevices() == DEVICES);
    String checksum = registry(h.hub(NS, "contoso-hub")).getChecksum();

    long seed = Long.getLong("iothub.restart.seed", System.nanoTime() % 100_000);
    Random random = new Random(seed);
    for (int i = 0; i < OPERATIONS; i++) {
      String name = "op-" + i;
      f.request(name, "contoso-hub", "contoso-hub");
      Thread.sleep(random.nextInt(400));
      h.restart();
      FailoverRequest done = f.awaitPhase(name, RequestPhase.Succeeded);
      String where = done.getStatus().getTargetLocation().getId();
      String context = "seed " + seed + ", " + name + " to " + where;
      // Right when the verdict is there, or within a moment: never the next periodic pass.
      await()
          .atMost(Duration.ofSeconds(3))
          .untilAsserted(
              () -> {
                IoTHub now = h.hub(NS, "contoso-hub");
                assertThat(now.getStatus().getCurrentLocation().getId())
                    .as(context)
                    .isEqualTo(where);
                assertThat(registry(now).getDevices()).as(context).isEqualTo(DEVICES);
                assertThat(registry(now).getChecksum()).as(context).isEqualTo(checksum);
              });
      h.clock().advance(Duration.ofSeconds(2));
    }
    assertThat(h.hub(NS, "contoso-hub").getStatus().getHistory()).hasSize(OPERATIONS);
  }

  private static RegistryStatus registry(IoTHub hub) {
    return hub.getStatus() == null ? null : hub.getStatus().getRegistry();
  }
}
