package dev.iothub.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.metrics.OperatorMetrics;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an idle pass of the hub controller costs: a Ready hub, nothing changed but an annotation
 * nobody reads, must not write and must read (almost) nothing: the hub comes from the reconcile
 * argument, its requests and broker objects from the informers' caches.
 */
class IdleHubRequestsMockTest {
  private static final String NS = HubFixtures.NS;
  private static final String BROKER = "mqtt-contoso-hub-manlfailrg-8056206a";
  private OperatorHarness h;
  private int touches;

  private void start(OperatorSettings settings) {
    h = OperatorHarness.start(settings);
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void anIdleReconciliationWritesNothingAndReadsFromTheCaches() {
    start(OperatorHarness.testSettings());
    new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml");
    h.awaitQuiet(Duration.ofSeconds(20));
    assertIdlePassIsCheap();
  }

  /**
   * With the region namespaces listed (the chart's default) each has its own informer; after a
   * restart each must still hold its region's Secrets: the standby's registry copy and broker
   * Secrets are not re-read from the API server (nor copied again) on every pass.
   */
  @Test
  void soItIsAfterARestartWithTheRegionNamespacesListed() {
    start(
        OperatorHarness.testSettings()
            .withWatchedRegionNamespaces(Set.of("iothub-westus2", "iothub-westcentralus")));
    IoTHub hub = new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml");
    Region westus2 = h.settings().regions().find("westus2").orElseThrow();
    new RegistryStore(h.client())
        .write(hub, westus2, HubFixtures.devices(500, "dev-"), h.clock().instant());
    h.awaitQuiet(Duration.ofSeconds(20));
    for (int i = 0; i < 3; i++) {
      // Each informer lists at start: one of them must not drop what another listed.
      h.restart();
      h.awaitQuiet(Duration.ofSeconds(20));
      assertIdlePassIsCheap();
    }
  }

  /**
   * An hour of an idle hub with a standby copy: the periodic passes (JOSDK runs one every 5
   * minutes, maxReconciliationInterval) write nothing, the standby's sync time included. Each pass
   * is triggered here by a touch after the clock moved 5 minutes.
   */
  @Test
  void anIdleHubWritesNothingInAnHour() {
    start(OperatorHarness.testSettings());
    IoTHub hub = new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml");
    Region westus2 = h.settings().regions().find("westus2").orElseThrow();
    new RegistryStore(h.client())
        .write(hub, westus2, HubFixtures.devices(500, "dev-"), h.clock().instant());
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> {
              var registry = h.hub(NS, "contoso-hub").getStatus().getRegistry();
              return registry != null
                  && registry.getStandbySyncedAt() != null
                  && Long.valueOf(500).equals(registry.getDevices());
            });
    h.awaitQuiet(Duration.ofSeconds(20));
    IoTHub before = h.hub(NS, "contoso-hub");
    h.server().drainRequests();

    for (int pass = 0; pass < 12; pass++) {
      h.clock().advance(Duration.ofMinutes(5));
      double passesBefore = passes();
      touchStandbyBroker();
      await().atMost(Duration.ofSeconds(10)).until(() -> passes() > passesBefore);
    }
    h.awaitQuiet(Duration.ofSeconds(20));

    // The only writes: the test's own 12 touches (an edit is a PATCH).
    String touch = "PATCH /apis/apps/v1/namespaces/iothub-westcentralus/deployments/" + BROKER;
    List<String> writes =
        h.server().drainRequests().stream().filter(r -> !r.startsWith("GET ")).toList();
    assertThat(writes).containsExactlyElementsOf(java.util.Collections.nCopies(12, touch));
    IoTHub after = h.hub(NS, "contoso-hub");
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getStatus().getRegistry().getStandbySyncedAt())
        .isEqualTo(before.getStatus().getRegistry().getStandbySyncedAt());
    // The standby copy is current: 0 s behind, although it was written an hour ago.
    assertThat(h.scrape())
        .containsPattern(
            "iothub_registry_standby_lag_seconds\\{[^}]*hub=\"contoso-hub\"[^}]*\\} 0\\.0");
  }

  private void touchStandbyBroker() {
    h.client()
        .apps()
        .deployments()
        .inNamespace("iothub-westcentralus")
        .withName(BROKER)
        .edit(
            d -> {
              d.getMetadata().getAnnotations().put("example.com/touched", "" + ++touches);
              return d;
            });
  }

  private void assertIdlePassIsCheap() {
    double passesBefore = passes();
    h.server().drainRequests();

    // An annotation nobody reads on the standby's broker Deployment: an event, and nothing to do.
    // (The hub's own metadata would not do: the controller reconciles on generation changes only.)
    h.client()
        .apps()
        .deployments()
        .inNamespace("iothub-westcentralus")
        .withName(BROKER)
        .edit(
            d -> {
              d.getMetadata().getAnnotations().put("example.com/touched", "" + ++touches);
              return d;
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> passes() > passesBefore);
    h.awaitQuiet(Duration.ofSeconds(20));

    List<String> requests = h.server().drainRequests();
    // The test's own GET and PUT of the Deployment are the first two.
    List<String> operator = requests.subList(2, requests.size());
    List<String> reads = operator.stream().filter(r -> r.startsWith("GET ")).toList();
    List<String> writes = operator.stream().filter(r -> !r.startsWith("GET ")).toList();
    System.out.printf(
        "idle hub reconciliation: %d reads %s, %d writes %s%n",
        reads.size(), reads, writes.size(), writes);
    assertThat(passes()).isEqualTo(passesBefore + 1);
    assertThat(writes).isEmpty();
    // 19 GETs before the caches, 8 with the broker informers, 1 now (docs/benchmarks.md): the
    // endpoint Service in the hub namespace (the chart grants get only there). The hub
    // namespace's Secrets come from BrokerAuth.Verified, the regions' TLS Secrets from the shard
    // informer's metadata, the region namespaces' existence from the broker Deployments cached.
    assertThat(reads.size()).isLessThanOrEqualTo(2);
  }

  private double passes() {
    var counter = h.metrics().registry().find(OperatorMetrics.HUB_OBSERVATIONS).counter();
    return counter == null ? 0 : counter.count();
  }
}
