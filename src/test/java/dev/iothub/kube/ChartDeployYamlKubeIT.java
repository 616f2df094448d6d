package dev.iothub.kube;

import static dev.iothub.kube.OperatorRights.RELEASE_NS;
import static dev.iothub.kube.OperatorRights.TUTORIAL_REGIONS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.packaging.Helm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code kubectl apply --server-side -f deploy/} (the chart rendered with its default values) on a
 * real API server: the same rights and refusals as the Helm install, and the operator runs the
 * tutorial's hub under that ServiceAccount.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartDeployYamlKubeIT {
  static final String HUB_NS = "manlfailrg";

  static RealCluster cluster;
  static AutoCloseable kubelet;
  static OperatorProcess operator;
  static AccessReview account;

  @BeforeAll
  static void install() {
    cluster = RealCluster.get();
    OperatorRights.awaitGone(cluster, HUB_NS, "iothub-westus2", "iothub-westcentralus", RELEASE_NS);
    cluster.kubectl("apply", "--server-side", "-f", "deploy/");
    cluster.kubectl(
        "wait",
        "--for",
        "condition=established",
        "crd/iothubs.iothub.dev",
        "crd/failoverrequests.iothub.dev",
        "crd/devices.iothub.dev",
        "crd/deviceimports.iothub.dev");
    kubelet = cluster.playKubelet();
    account = new AccessReview(cluster, RELEASE_NS, "iothub-operator");
  }

  @AfterAll
  static void uninstall() throws Exception {
    if (cluster == null) {
      return;
    }
    if (operator != null) {
      cluster.deleteHubs(HUB_NS);
    }
    RealCluster.closeAll(operator, kubelet);
    // As docs/operations.md says: the operator's objects (and the namespaces deploy/ created).
    cluster.kubectlResult("delete", "-f", "deploy/02-operator.yaml", "--wait=false");
    cluster.deleteNamespaces(
        Duration.ofSeconds(90), HUB_NS, "iothub-westus2", "iothub-westcentralus", RELEASE_NS);
  }

  @Test
  @Order(1)
  void sameRightsAsTheHelmInstall() {
    account.assertPermissions(
        OperatorRights.must(List.of(HUB_NS), TUTORIAL_REGIONS),
        OperatorRights.mustNot(List.of(HUB_NS), TUTORIAL_REGIONS, OperatorRights.foreign()));
  }

  @Test
  @Order(2)
  void operatorRunsTheHubUnderTheDeployServiceAccount() {
    Instant started = Instant.now();
    operator =
        InstalledOperator.of(cluster, RELEASE_NS, Helm.RELEASE)
            .start("deploy", OperatorRights.DEBUG);
    OperatorRights.assertLeads(cluster, started);
    cluster.apply(OperatorRights.hubYaml(HUB_NS));

    assertThat(
            OperatorRights.awaitActive(cluster, HUB_NS, operator)
                .getStatus()
                .getCurrentLocation()
                .getId())
        .isEqualTo("westus2");
    OperatorRights.assertEventsRecorded(cluster, HUB_NS);
    OperatorRights.assertNoRefusal(operator);
  }
}
