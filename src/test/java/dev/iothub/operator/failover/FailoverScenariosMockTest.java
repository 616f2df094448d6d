package dev.iothub.operator.failover;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Timestamps;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailoverScenariosMockTest {
  private OperatorHarness h;
  private HubFixtures f;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(
        NS, "iothub-westus2", "iothub-westcentralus", "iothub-westus3", "iothub-eastus");
    f = new HubFixtures(h);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void quotaIsTwoSuccessfulFailoversInARollingDay() {
    f.createReadyHub("fixtures/hub-westus2.yaml");
    Duration wait = Duration.ofMinutes(61);
    Instant firstFailover = null;
    for (int round = 1; round <= 2; round++) {
      f.request("failover-" + round, "contoso-hub", "contoso-hub");
      FailoverRequest failover = f.awaitPhase("failover-" + round, RequestPhase.Succeeded);
      if (firstFailover == null) {
        firstFailover = Timestamps.parse(failover.getStatus().getCompletionTime());
      }
      h.clock().advance(wait);
      f.request("failback-" + round, "contoso-hub", "contoso-hub");
      f.awaitPhase("failback-" + round, RequestPhase.Succeeded);
      h.clock().advance(wait);
    }

    f.request("failover-3", "contoso-hub", "contoso-hub");
    FailoverRequest third = f.awaitPhase("failover-3", RequestPhase.Rejected);
    Instant allowed = firstFailover.plus(Duration.ofHours(24));
    assertThat(third.getStatus().getReason()).isEqualTo("QuotaExceeded");
    assertThat(third.getStatus().getRetryAfter()).isEqualTo(Timestamps.format(allowed));
    assertThat(third.getStatus().getMessage())
        .isEqualTo(
            "contoso-hub already had 2 successful failovers in the last 24 hours. The next failover"
                + " is allowed at "
                + Timestamps.format(allowed)
                + ".");
    IoTHub hub = h.hub(NS, "contoso-hub");
    assertThat(hub.getStatus().getQuota().getFailoversRemaining()).isZero();
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westus2");

    // Failed and refused attempts do not count; 24 hours after the first failover one is free.
    h.clock().advance(Duration.between(h.clock().instant(), allowed).plusMinutes(1));
    f.request("failover-4", "contoso-hub", "contoso-hub");
    f.awaitPhase("failover-4", RequestPhase.Succeeded);
    assertThat(f.awaitReady("contoso-hub").getStatus().getCurrentLocation().getId())
        .isEqualTo("westcentralus");
  }

  @Test
  void oneWayPairFailsOverToItsPairAndBack() {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus3.yaml");
    assertThat(hub.getStatus().getFailoverLocation().getId()).isEqualTo("eastus");

    f.request("phoenix-failover", "phoenix-hub", "phoenix-hub");
    f.awaitPhase("phoenix-failover", RequestPhase.Succeeded);
    hub = f.awaitReady("phoenix-hub");
    assertThat(hub.getStatus().getCurrentLocation().getDisplayName()).isEqualTo("East US");
    // eastus itself pairs with westus; the hub's pair stays what it was at creation.
    assertThat(hub.getStatus().getFailoverLocation().getDisplayName()).isEqualTo("West US 3");

    h.clock().advance(Duration.ofMinutes(61));
    f.request("phoenix-failback", "phoenix-hub", "phoenix-hub");
    FailoverRequest failback = f.awaitPhase("phoenix-failback", RequestPhase.Succeeded);
    assertThat(failback.getStatus().getType()).isEqualTo(OperationType.Failback);
    assertThat(f.awaitReady("phoenix-hub").getStatus().getCurrentLocation().getId())
        .isEqualTo("westus3");
    assertThat(h.client().apps().deployments().inNamespace("iothub-westus").list().getItems())
        .isEmpty();
  }

  @Test
  void targetThatNeverBecomesAvailableFailsTheOperationAndTheSourceKeepsServing() {
    f.createReadyHub("fixtures/hub-westus2.yaml");
    h.kubelet().breakNamespace("iothub-westcentralus");
    f.request("doomed", "contoso-hub", "contoso-hub");
    f.awaitStep("doomed", dev.iothub.api.v1alpha1.OperationStep.ActivatingTarget);
    assertThat(f.replicas("iothub-westus2")).isEqualTo(2);

    h.clock().advance(Duration.ofMinutes(6));

    FailoverRequest doomed = f.awaitPhase("doomed", RequestPhase.Failed);
    assertThat(doomed.getStatus().getReason()).isEqualTo("TargetNotAvailable");
    assertThat(doomed.getStatus().getMessage())
        .isEqualTo(
            "The broker in West Central US did not become available within 300 s. The hub keeps"
                + " running in West US 2.");
    IoTHub hub = f.awaitReady("contoso-hub");
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westus2");
    assertThat(hub.getStatus().getMessage())
        .contains("Manual failover failed (TargetNotAvailable)");
    assertThat(hub.getStatus().getQuota().getFailoversRemaining()).isEqualTo(2);
    await().atMost(HubFixtures.WAIT).until(() -> f.replicas("iothub-westcentralus") == 0);
    assertThat(f.replicas("iothub-westus2")).isEqualTo(2);
    assertThat(
            h.client()
                .services()
                .inNamespace(NS)
                .withName("contoso-hub")
                .get()
                .getSpec()
                .getExternalName())
        .contains("iothub-westus2");

    // A failed attempt does not start the one-hour wait either.
    h.kubelet().repair("iothub-westcentralus");
    f.request("retry", "contoso-hub", "contoso-hub");
    f.awaitPhase("retry", RequestPhase.Succeeded);
  }

  @Test
  void registryIsMirroredToTheStandbyRegionWhileNoOperationRuns() {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    Region westus2 = h.settings().regions().find("westus2").orElseThrow();
    Region westcentralus = h.settings().regions().find("westcentralus").orElseThrow();
    RegistryStore registry = new RegistryStore(h.client());
    registry.write(hub, westus2, HubFixtures.devices(700, "dev-"), h.clock().instant());

    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> registry.readAll(hub, westcentralus).size() == 700);
    assertThat(registry.readAll(hub, westcentralus))
        .containsExactlyInAnyOrderElementsOf(registry.readAll(hub, westus2));
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> h.hub(NS, "contoso-hub").getStatus().getRegistry().getStandbySyncedAt() != null);

    // With the copy in sync, the failover's migration copies nothing.
    f.request("quick", "contoso-hub", "contoso-hub");
    f.awaitPhase("quick", RequestPhase.Succeeded);
    assertThat(f.awaitReady("contoso-hub").getStatus().getRegistry().getDevices()).isEqualTo(700);
  }

  @Test
  void lostSourceRegionFailsOverFromTheStandbyCopyAndSaysHowStale() {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    Region westus2 = h.settings().regions().find("westus2").orElseThrow();
    Region westcentralus = h.settings().regions().find("westcentralus").orElseThrow();
    RegistryStore registry = new RegistryStore(h.client());
    registry.write(hub, westus2, HubFixtures.devices(500, "dev-"), h.clock().instant());
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> registry.readAll(hub, westcentralus).size() == 500);
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> h.hub(NS, "contoso-hub").getStatus().getRegistry().getStandbySyncedAt() != null);

    // The region goes down; devices registered just before never reached the standby copy.
    h.stopOperator();
    registry.write(hub, westus2, HubFixtures.devices(100, "late-"), h.clock().instant());
    h.client().namespaces().withName("iothub-westus2").delete();
    h.clock().advance(Duration.ofHours(2));
    h.startOperator();
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                Conditions.find(h.hub(NS, "contoso-hub").getStatus().getConditions(), "Ready")
                    .map(c -> c.getReason().equals("ActiveRegionUnavailable"))
                    .orElse(false));
    f.request("outage", "contoso-hub", "contoso-hub");

    FailoverRequest outage = f.awaitPhase("outage", RequestPhase.Succeeded);
    assertThat(outage.getStatus().getDevicesMigrated()).isEqualTo(500);
    // Serving again, in West Central US; not Ready, since its failover region is still gone.
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                Conditions.find(h.hub(NS, "contoso-hub").getStatus().getConditions(), "Ready")
                    .map(c -> c.getReason().equals("RegionNamespaceMissing"))
                    .orElse(false));
    IoTHub after = h.hub(NS, "contoso-hub");
    assertThat(after.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
    OperationRecord last =
        after.getStatus().getHistory().get(after.getStatus().getHistory().size() - 1);
    assertThat(last.getResult()).isEqualTo(RequestPhase.Succeeded);
    assertThat(after.getStatus().getRegistry().getDevices()).isEqualTo(500);
    assertThat(last.getMessage())
        .startsWith(
            "West US 2 was unreachable: West Central US serves 500 devices from the standby copy")
        .contains(
            "its standby copy of the registry was last written 120 minutes ago and held every"
                + " change the operator had seen in West US 2");
    // The 100 devices written while the operator was down were never seen: the status says so.
    assertThat(outage.getStatus().getMessage())
        .contains("changes made there after the operator last saw it are not in it");
    assertThat(f.replicas("iothub-westcentralus")).isEqualTo(2);
  }

  @Test
  void hubDeletedDuringAnOperationFailsTheRequestAndIsCleanedUp() {
    f.createReadyHub("fixtures/hub-westus2.yaml");
    h.kubelet().breakNamespace("iothub-westcentralus");
    f.request("interrupted", "contoso-hub", "contoso-hub");
    f.awaitPhase("interrupted", RequestPhase.Running);

    h.client().resources(IoTHub.class).inNamespace(NS).withName("contoso-hub").delete();

    FailoverRequest r = f.awaitPhase("interrupted", RequestPhase.Failed);
    assertThat(r.getStatus().getReason()).isEqualTo("HubDeleted");
    await().atMost(HubFixtures.WAIT).until(() -> h.hub(NS, "contoso-hub") == null);
    assertThat(h.client().apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }
}
