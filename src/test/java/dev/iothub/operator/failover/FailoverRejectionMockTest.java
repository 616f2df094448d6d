package dev.iothub.operator.failover;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.status.Conditions;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each reason a request is refused, end to end; a refused request leaves the hub untouched. */
class FailoverRejectionMockTest {
  private OperatorHarness h;
  private HubFixtures f;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    f = new HubFixtures(h);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void confirmationMismatch() {
    f.createReadyHub("fixtures/hub-westus2.yaml");
    f.request("typo", "contoso-hub", "contoso-hbu");

    FailoverRequest r = f.awaitPhase("typo", RequestPhase.Rejected);
    assertThat(r.getStatus().getReason()).isEqualTo("ConfirmationMismatch");
    assertThat(r.getStatus().getMessage())
        .isEqualTo(
            "confirmHubName 'contoso-hbu' does not match the hub name 'contoso-hub'. Create a new"
                + " request with confirmHubName: contoso-hub.");
    assertUntouched();
  }

  @Test
  void hubNotFound() {
    f.request("lost", "no-such-hub", "no-such-hub");

    FailoverRequest r = f.awaitPhase("lost", RequestPhase.Rejected);
    assertThat(r.getStatus().getReason()).isEqualTo("HubNotFound");
    assertThat(r.getStatus().getMessage())
        .contains("There is no IoTHub named no-such-hub in namespace manlfailrg");
  }

  @Test
  void notPaired() {
    h.client().resource(h.load("fixtures/hub-unpaired.yaml", IoTHub.class)).create();
    await().atMost(HubFixtures.WAIT).until(() -> h.hub(NS, "milan-hub").getStatus() != null);
    f.request("milan-failover", "milan-hub", "milan-hub");

    FailoverRequest r = f.awaitPhase("milan-failover", RequestPhase.Rejected);
    assertThat(r.getStatus().getReason()).isEqualTo("NotPaired");
    assertThat(r.getStatus().getMessage()).contains("Italy North (italynorth) has no geo-pair");
  }

  @Test
  void hubNotReadyWhenTheFailoverRegionIsMissing() {
    h.client().namespaces().withName("iothub-westcentralus").delete();
    h.client().resource(h.load("fixtures/hub-westus2.yaml", IoTHub.class)).create();
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                h.hub(NS, "contoso-hub").getStatus() != null
                    && Conditions.find(
                            h.hub(NS, "contoso-hub").getStatus().getConditions(), "Ready")
                        .map(c -> c.getReason().equals("RegionNamespaceMissing"))
                        .orElse(false));
    f.request("early", "contoso-hub", "contoso-hub");

    FailoverRequest r = f.awaitPhase("early", RequestPhase.Rejected);
    assertThat(r.getStatus().getReason()).isEqualTo("HubNotReady");
    assertThat(r.getStatus().getMessage())
        .contains("Namespace iothub-westcentralus of region West Central US does not exist");
  }

  @Test
  void hubDeleting() {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    hub.getMetadata().getFinalizers().add("test.iothub.dev/hold");
    h.client().resource(hub).update();
    h.client().resource(hub).delete();
    await().atMost(HubFixtures.WAIT).until(() -> h.hub(NS, "contoso-hub").isMarkedForDeletion());
    f.request("late", "contoso-hub", "contoso-hub");

    FailoverRequest r = f.awaitPhase("late", RequestPhase.Rejected);
    assertThat(r.getStatus().getReason()).isEqualTo("HubDeleting");
  }

  @Test
  void operationInProgressWhileAnotherRuns() {
    f.createReadyHub("fixtures/hub-westus2.yaml");
    h.kubelet().breakNamespace("iothub-westcentralus");
    f.request("first", "contoso-hub", "contoso-hub");
    f.awaitPhase("first", RequestPhase.Running);

    f.request("second", "contoso-hub", "contoso-hub");

    FailoverRequest second = f.awaitPhase("second", RequestPhase.Rejected);
    assertThat(second.getStatus().getReason()).isEqualTo("OperationInProgress");
    assertThat(second.getStatus().getMessage())
        .startsWith("Request first is running a failover of contoso-hub.");
    h.kubelet().repair("iothub-westcentralus");
    f.awaitPhase("first", RequestPhase.Succeeded);
  }

  @Test
  void recreatedRequestIsNotRunAgain() {
    f.createReadyHub("fixtures/hub-westus2.yaml");
    f.request("once", "contoso-hub", "contoso-hub");
    f.awaitPhase("once", RequestPhase.Succeeded);
    h.clock().advance(java.time.Duration.ofHours(2));

    // Argo CD self-heal after someone deleted the request, or a restored backup.
    h.client().resources(FailoverRequest.class).inNamespace(NS).withName("once").delete();
    await().atMost(HubFixtures.WAIT).until(() -> f.get("once") == null);
    f.request("once", "contoso-hub", "contoso-hub");

    FailoverRequest again = f.awaitPhase("once", RequestPhase.Rejected);
    assertThat(again.getStatus().getReason()).isEqualTo("AlreadyProcessed");
    IoTHub hub = f.awaitReady("contoso-hub");
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
    assertThat(hub.getStatus().getHistory())
        .filteredOn(r -> r.getResult() == RequestPhase.Succeeded)
        .hasSize(1);
  }

  @Test
  void twoRequestsCreatedTogetherRunExactlyOnce() {
    f.createReadyHub("fixtures/hub-westus2.yaml");
    h.stopOperator();
    f.request("together-a", "contoso-hub", "contoso-hub");
    f.request("together-b", "contoso-hub", "contoso-hub");
    h.startOperator();

    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                List.of(f.get("together-a"), f.get("together-b")).stream()
                    .allMatch(
                        r ->
                            r.getStatus() != null
                                && r.getStatus().getPhase() != null
                                && r.getStatus().getPhase().isTerminal()));
    List<RequestPhase> phases =
        List.of(
            f.get("together-a").getStatus().getPhase(), f.get("together-b").getStatus().getPhase());
    assertThat(phases).containsExactlyInAnyOrder(RequestPhase.Succeeded, RequestPhase.Rejected);
    FailoverRequest loser =
        f.get("together-a").getStatus().getPhase() == RequestPhase.Rejected
            ? f.get("together-a")
            : f.get("together-b");
    assertThat(loser.getStatus().getReason()).isEqualTo("OperationInProgress");
    IoTHub hub = f.awaitReady("contoso-hub");
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
  }

  private void assertUntouched() {
    IoTHub hub = h.hub(NS, "contoso-hub");
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westus2");
    assertThat(hub.getStatus().getOperation()).isNull();
    assertThat(
            h.client()
                .apps()
                .deployments()
                .inNamespace("iothub-westcentralus")
                .withName("mqtt-contoso-hub-manlfailrg-8056206a")
                .get()
                .getSpec()
                .getReplicas())
        .isZero();
  }
}
