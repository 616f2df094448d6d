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
 * The chart with two listed hub namespaces on a real API server, into an empty cluster: it creates
 * the hub and region namespaces (and keeps them on uninstall), the ServiceAccount has the hub
 * rights in exactly those two namespaces, and the operator runs a hub in one of them and leaves a
 * hub in an unlisted namespace alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartHubNamespacesKubeIT {
  static final List<String> HUB_NS = List.of("contoso-east", "contoso-west");
  static final String UNLISTED = "manlfailrg";

  static RealCluster cluster;
  static AutoCloseable kubelet;
  static OperatorProcess operator;
  static AccessReview account;

  @BeforeAll
  static void install() {
    cluster = RealCluster.get();
    OperatorRights.awaitGone(
        cluster,
        "contoso-east",
        "contoso-west",
        UNLISTED,
        "iothub-westus2",
        "iothub-westcentralus");
    OperatorRights.awaitGone(cluster, RELEASE_NS);
    cluster.installCrds();
    Helm.Result r =
        cluster.helm(
            "install",
            Helm.RELEASE,
            "helm/iothub-operator",
            "-n",
            RELEASE_NS,
            "--create-namespace",
            "--set",
            "hubNamespaces={" + String.join(",", HUB_NS) + "}");
    assertThat(r.ok()).as(r.describe()).isTrue();
    kubelet = cluster.playKubelet();
    account = new AccessReview(cluster, RELEASE_NS, "iothub-operator");
  }

  @AfterAll
  static void uninstall() throws Exception {
    if (cluster == null) {
      return;
    }
    if (operator != null) {
      cluster.deleteHubs(HUB_NS.get(1));
    }
    RealCluster.closeAll(operator, kubelet);
    cluster.kubectlResult("delete", "namespace", UNLISTED, "--wait=false");
    cluster.helm("uninstall", Helm.RELEASE, "-n", RELEASE_NS, "--wait");
    cluster.deleteNamespaces(
        Duration.ofSeconds(90),
        "contoso-east",
        "contoso-west",
        UNLISTED,
        "iothub-westus2",
        "iothub-westcentralus",
        RELEASE_NS);
  }

  @Test
  @Order(1)
  void hubRightsInTheListedNamespacesOnly() {
    account.assertPermissions(
        OperatorRights.must(HUB_NS, TUTORIAL_REGIONS),
        OperatorRights.mustNot(HUB_NS, TUTORIAL_REGIONS, OperatorRights.foreign(UNLISTED)));
  }

  @Test
  @Order(2)
  void operatorRunsAHubInAListedNamespaceAndIgnoresOthers() {
    Instant started = Instant.now();
    operator =
        InstalledOperator.of(cluster, RELEASE_NS, Helm.RELEASE)
            .start("chart-listed", OperatorRights.DEBUG);
    OperatorRights.assertLeads(cluster, started);
    cluster.createNamespaces(UNLISTED);
    cluster.apply(OperatorRights.hubYaml(UNLISTED));
    cluster.apply(OperatorRights.hubYaml(HUB_NS.get(1)));

    OperatorRights.awaitActive(cluster, HUB_NS.get(1), operator);

    assertThat(OperatorRights.hub(cluster, UNLISTED).getStatus())
        .as("status of a hub in a namespace the operator does not watch")
        .isNull();
    OperatorRights.assertEventsRecorded(cluster, HUB_NS.get(1));
    OperatorRights.assertNoRefusal(operator);
  }

  @Test
  @Order(3)
  void uninstallKeepsTheNamespacesTheChartCreated() {
    cluster.deleteHubs(HUB_NS.get(1));
    operator.close();
    Helm.Result r = cluster.helm("uninstall", Helm.RELEASE, "-n", RELEASE_NS, "--wait");
    assertThat(r.ok()).as(r.describe()).isTrue();

    for (String ns : List.of("contoso-east", "contoso-west", "iothub-westus2")) {
      assertThat(cluster.admin().namespaces().withName(ns).get())
          .as("namespace %s after helm uninstall", ns)
          .isNotNull()
          .matches(n -> n.getMetadata().getDeletionTimestamp() == null, "not being deleted");
    }
    assertThat(cluster.admin().rbac().roles().inNamespace("contoso-west").list().getItems())
        .isEmpty();
  }
}
