package dev.iothub.packaging;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.packaging.LuaHealthRunner.Health;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD health checks judge the live objects of a real failover: the operator runs the
 * tutorial on the embedded API server, and at each stage the IoTHub and the FailoverRequest, read
 * back as JSON like Argo CD reads them, go through the Lua scripts.
 */
class ArgoCdHealthFailoverMockTest {
  static final KubernetesSerialization JSON = new KubernetesSerialization();
  static List<LuaHealthRunner> runners;

  OperatorHarness h;
  HubFixtures f;

  @BeforeAll
  static void interpreters() {
    runners = LuaHealthRunner.available();
  }

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    f = new HubFixtures(h);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  static Health health(String script, HasMetadata live) {
    @SuppressWarnings("unchecked")
    Map<String, Object> obj = JSON.convertValue(live, Map.class);
    Health first = null;
    for (LuaHealthRunner runner : runners) {
      Health h = runner.run(Project.read(script), obj, live.getMetadata().getName());
      if (first != null) {
        assertThat(h).as(runner.name() + " agrees").isEqualTo(first);
      }
      first = h;
    }
    return first;
  }

  Health hub() {
    return health(ArgoCdHealthTest.HUB_SCRIPT, h.hub(NS, "contoso-hub"));
  }

  Health request(String name) {
    return health(ArgoCdHealthTest.REQUEST_SCRIPT, f.get(name));
  }

  @Test
  void tutorialFailoverFailbackAndRefusals() {
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    h.kubelet().breakNamespace("iothub-westus2");
    h.client().resource(h.load("fixtures/hub-westus2.yaml", IoTHub.class)).create();
    // The first status write comes before the Ready condition: Progressing all along.
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> {
              if (h.hub(NS, "contoso-hub").getStatus() == null) {
                return false;
              }
              Health now = hub();
              assertThat(now.status()).isEqualTo("Progressing");
              return now.message()
                  .startsWith("BrokerNotAvailable: Waiting for the broker in West US 2");
            });
    assertThat(h.hub(NS, "contoso-hub").getStatus().getState()).isEqualTo(HubState.Provisioning);

    h.kubelet().repair("iothub-westus2");
    f.awaitReady("contoso-hub");
    assertThat(hub()).isEqualTo(new Health("Healthy", "contoso-hub is running in West US 2."));

    // Failover, held in ActivatingTarget while the target's brokers do not come up.
    h.kubelet().breakNamespace("iothub-westcentralus");
    f.request("failover-1", "contoso-hub", "contoso-hub");
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                f.get("failover-1").getStatus() != null
                    && f.get("failover-1").getStatus().getStep() == OperationStep.ActivatingTarget);
    assertThat(request("failover-1").status()).isEqualTo("Progressing");
    assertThat(request("failover-1").message())
        .startsWith("Manual failover in progress: ActivatingTarget.");
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> h.hub(NS, "contoso-hub").getStatus().getOperation() != null);
    assertThat(hub().status()).isEqualTo("Progressing");
    assertThat(hub().message()).startsWith("Manual failover in progress. Step: ActivatingTarget");

    h.kubelet().repair("iothub-westcentralus");
    f.awaitPhase("failover-1", RequestPhase.Succeeded);
    f.awaitReady("contoso-hub");
    assertThat(request("failover-1"))
        .isEqualTo(
            new Health(
                "Healthy",
                "Manual failover is complete. contoso-hub is running in West Central US."));
    assertThat(hub())
        .isEqualTo(
            new Health(
                "Healthy",
                "Manual failover is complete. contoso-hub is running in West Central US."));

    // Failback right away: TooSoon; a typo: ConfirmationMismatch.
    f.request("failback-too-soon", "contoso-hub", "contoso-hub");
    FailoverRequest tooSoon = f.awaitPhase("failback-too-soon", RequestPhase.Rejected);
    assertThat(request("failback-too-soon"))
        .isEqualTo(new Health("Degraded", "TooSoon: " + tooSoon.getStatus().getMessage()));
    f.request("typo", "contoso-hub", "contoso-hbu");
    f.awaitPhase("typo", RequestPhase.Rejected);
    assertThat(request("typo").status()).isEqualTo("Degraded");
    assertThat(request("typo").message()).startsWith("ConfirmationMismatch: ");
    assertThat(hub().status()).isEqualTo("Healthy");

    // An hour later the failback runs, but West US 2's brokers never come up: the step deadline
    // fails it and the hub stays in West Central US.
    h.clock().advance(Duration.ofMinutes(61));
    h.kubelet().breakNamespace("iothub-westus2");
    f.request("failback-1", "contoso-hub", "contoso-hub");
    f.awaitStep("failback-1", dev.iothub.api.v1alpha1.OperationStep.ActivatingTarget);
    assertThat(request("failback-1").status()).isEqualTo("Progressing");
    h.clock().advance(h.settings().failover().stepDeadline().plusSeconds(1));
    FailoverRequest failed = f.awaitPhase("failback-1", RequestPhase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo("TargetNotAvailable");
    assertThat(request("failback-1"))
        .isEqualTo(
            new Health("Degraded", "TargetNotAvailable: " + failed.getStatus().getMessage()));
    f.awaitReady("contoso-hub");
    assertThat(hub().status()).isEqualTo("Healthy");
    assertThat(hub().message()).startsWith("Manual failback failed (TargetNotAvailable)");
  }

  @Test
  void hubThatNeedsAPersonIsDegraded() {
    h.createNamespaces(NS, "iothub-westus2");
    h.client().resource(h.load("fixtures/hub-westus2.yaml", IoTHub.class)).create();
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                h.hub(NS, "contoso-hub").getStatus() != null && "Degraded".equals(hub().status()));
    assertThat(hub().message())
        .startsWith(
            "RegionNamespaceMissing: Namespace iothub-westcentralus of region West Central US"
                + " does not exist.");

    h.client().resource(h.load("fixtures/hub-unknown-location.yaml", IoTHub.class)).create();
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                h.hub(NS, "mars-hub").getStatus() != null
                    && h.hub(NS, "mars-hub").getStatus().getState() == HubState.Failed);
    Health mars = health(ArgoCdHealthTest.HUB_SCRIPT, h.hub(NS, "mars-hub"));
    assertThat(mars.status()).isEqualTo("Degraded");
    assertThat(mars.message()).startsWith("UnknownLocation: ");
  }

  @Test
  void requestForAMissingHubIsDegraded() {
    h.createNamespaces(NS);
    f.request("lost", "no-such-hub", "no-such-hub");
    f.awaitPhase("lost", RequestPhase.Rejected);
    assertThat(request("lost").status()).isEqualTo("Degraded");
    assertThat(request("lost").message()).startsWith("HubNotFound: There is no IoTHub named");
  }
}
