package dev.iothub.cli;

import static dev.iothub.cli.CliRun.inOrder;
import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.failover.FailoverPolicy;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outcomes of "failover start" besides success and refusal: a failure, and a timeout. */
class CliOutcomesMockTest {
  private static final String HUB = "contoso-hub";

  @Test
  void aFailedOperationExitsOneWithReasonAndMessage() {
    FailoverPolicy quickDeadline =
        new FailoverPolicy(2, 2, Duration.ofHours(24), Duration.ofHours(1), Duration.ofSeconds(2));
    try (OperatorHarness h =
        OperatorHarness.start(OperatorHarness.testSettings().withFailover(quickDeadline))) {
      h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
      new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml");
      h.kubelet().breakNamespace("iothub-westcentralus");

      CliRun.Result r =
          CliRun.run(
              ClusterConnector.shared(h.client()),
              h.clock(),
              HUB + "\n",
              "failover",
              "start",
              HUB,
              "-n",
              NS);

      assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
      inOrder(r.out(), "Manual failover in progress.", "step 2/5 ActivatingTarget");
      assertThat(r.out()).doesNotContain("100%");
      assertThat(r.err())
          .isEqualTo(
              "Failed (TargetNotAvailable): The broker in West Central US did not become"
                  + " available within 2 s. The hub keeps running in West US 2.\n");
      assertThat(h.hub(NS, HUB).getStatus().getCurrentLocation().getId()).isEqualTo("westus2");
    }
  }

  @Test
  void aTimeoutLeavesTheRequestRunning() {
    try (OperatorHarness h = OperatorHarness.withoutOperator(OperatorHarness.testSettings())) {
      h.createNamespaces(NS);
      h.client().resource(h.load("fixtures/hub-westus2.yaml", IoTHub.class)).create();
      ClusterConnector cluster = ClusterConnector.shared(h.client());

      CliRun.Result r =
          CliRun.run(
              cluster,
              h.clock(),
              "",
              "failover",
              "start",
              HUB,
              "-n",
              NS,
              "--confirm",
              HUB,
              "--timeout",
              "1s");

      assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.TIMEOUT);
      inOrder(
          r.out(),
          "  The hub has no status yet: the operator decides where it moves.",
          "Created FailoverRequest contoso-hub-failover-",
          "  [....................]   0%  waiting for the operator to take the request");
      List<FailoverRequest> requests =
          h.client().resources(FailoverRequest.class).inNamespace(NS).list().getItems();
      assertThat(requests).hasSize(1);
      String name = requests.get(0).getMetadata().getName();
      assertThat(r.err())
          .isEqualTo(
              "error: Request "
                  + name
                  + " is not final after 1 s; it keeps running. Follow it with: iothub failover"
                  + " status contoso-hub -n manlfailrg\n");

      CliRun.Result status =
          CliRun.run(cluster, h.clock(), "", "failover", "status", HUB, "-n", NS);
      assertThat(status.code()).isZero();
      assertThat(status.outLines())
          .containsSubsequence(
              "Request:            " + name + " (namespace manlfailrg)",
              "Phase:              " + RequestPhase.Pending,
              "Message:            The operator has not taken the request yet.");
      CliRun.Result show = CliRun.run(cluster, h.clock(), "", "hub", "show", HUB, "-n", NS);
      assertThat(show.outLines())
          .containsExactly(
              "IoT hub:            contoso-hub (namespace manlfailrg)",
              "State:              no status yet: is the iothub-operator running?",
              "Location:           westus2");
    }
  }

  @Test
  void whileAnOperationRunsShowStatusAndASecondRequestSayWhere() {
    try (OperatorHarness h = OperatorHarness.start()) {
      h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
      HubFixtures f = new HubFixtures(h);
      f.createReadyHub("fixtures/hub-westus2.yaml");
      h.kubelet().breakNamespace("iothub-westcentralus");
      ClusterConnector cluster = ClusterConnector.shared(h.client());
      CliRun.Result started =
          CliRun.run(
              cluster,
              h.clock(),
              "",
              "failover",
              "start",
              HUB,
              "-n",
              NS,
              "--confirm",
              HUB,
              "--no-wait");
      assertThat(started.code()).as(started.toString()).isZero();
      String name =
          h.client()
              .resources(FailoverRequest.class)
              .inNamespace(NS)
              .list()
              .getItems()
              .get(0)
              .getMetadata()
              .getName();
      await()
          .atMost(HubFixtures.WAIT)
          .until(
              () -> {
                FailoverRequest r = f.get(name);
                return r.getStatus() != null
                    && r.getStatus().getStep() == OperationStep.ActivatingTarget;
              });
      String startedAt = Times.happened(h.hub(NS, HUB).getStatus().getOperation().getStartedAt());

      CliRun.Result show = CliRun.run(cluster, h.clock(), "", "hub", "show", HUB, "-n", NS);
      assertThat(show.outLines())
          .containsSubsequence(
              "State:              FailingOver",
              "Banner:             Manual failover in progress.",
              "Operation:          Failover West US 2 -> West Central US (request "
                  + name
                  + ", started "
                  + startedAt
                  + ")",
              "Progress:           [####................]  20%  step 2/5 ActivatingTarget      0/0"
                  + " devices",
              "Next operation:     a failback, once the running failover completes");

      CliRun.Result status =
          CliRun.run(cluster, h.clock(), "", "failover", "status", HUB, "-n", NS);
      assertThat(status.outLines())
          .containsSubsequence(
              "Request:            " + name + " (namespace manlfailrg)",
              "Phase:              Running",
              "Progress:           [####................]  20%  step 2/5 ActivatingTarget      0/0"
                  + " devices");

      CliRun.Result second =
          CliRun.run(cluster, h.clock(), "", "failover", "start", HUB, "-n", NS, "--confirm", HUB);
      assertThat(second.code()).as(second.toString()).isEqualTo(ExitCodes.REJECTED);
      assertThat(second.out())
          .contains(
              "  Note: the operator will refuse this request: a failback, once the running"
                  + " failover completes.");
      assertThat(second.err()).startsWith("Rejected (OperationInProgress): Request " + name);

      h.kubelet().repair("iothub-westcentralus");
      f.awaitPhase(name, RequestPhase.Succeeded);
    }
  }
}
