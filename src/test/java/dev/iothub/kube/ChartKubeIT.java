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
 * The chart installed with its default values on a real API server, in the order the runbook gives
 * (the tutorial's namespaces first, with kubectl): the operator's ServiceAccount has what the
 * operator uses and nothing of a list of rights it must not have (SubjectAccessReviews), and the
 * operator, run under that account, takes the tutorial's hub through a failover without one 403.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartKubeIT {
  static final String HUB_NS = "manlfailrg";

  static RealCluster cluster;
  static AutoCloseable kubelet;
  static OperatorProcess operator;
  static AccessReview account;

  @BeforeAll
  static void install() {
    cluster = RealCluster.get();
    OperatorRights.awaitGone(cluster, HUB_NS, "iothub-westus2", "iothub-westcentralus", RELEASE_NS);
    cluster.installCrds();
    // Namespaces created before the chart, by another hand: the install must use them as they are.
    cluster.kubectl("apply", "-f", "examples/tutorial/00-namespaces.yaml");
    Helm.Result r =
        cluster.helm(
            "install",
            Helm.RELEASE,
            "helm/iothub-operator",
            "-n",
            RELEASE_NS,
            "--create-namespace");
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
      cluster.deleteHubs(HUB_NS);
    }
    RealCluster.closeAll(operator, kubelet);
    cluster.helm("uninstall", Helm.RELEASE, "-n", RELEASE_NS, "--wait");
    cluster.deleteNamespaces(
        Duration.ofSeconds(90), HUB_NS, "iothub-westus2", "iothub-westcentralus", RELEASE_NS);
  }

  @Test
  @Order(1)
  void existingNamespacesAreUsedNotTakenOver() {
    for (String ns : List.of(HUB_NS, "iothub-westus2", "iothub-westcentralus")) {
      assertThat(cluster.admin().namespaces().withName(ns).get().getMetadata().getAnnotations())
          .as("namespace %s", ns)
          .doesNotContainKey("meta.helm.sh/release-name");
    }
    assertThat(
            cluster
                .admin()
                .rbac()
                .roles()
                .inNamespace(HUB_NS)
                .withName("iothub-operator-hub")
                .get())
        .isNotNull();
    assertThat(
            cluster
                .admin()
                .rbac()
                .clusterRoles()
                .withLabel("app.kubernetes.io/instance", Helm.RELEASE)
                .list()
                .getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "iothub-operator-region-namespaces", "iothub-operator-custom-resources");
  }

  @Test
  @Order(2)
  void serviceAccountHasWhatTheOperatorUsesAndNothingOfTheForbiddenList() {
    account.assertPermissions(
        OperatorRights.must(List.of(HUB_NS), TUTORIAL_REGIONS),
        OperatorRights.mustNot(List.of(HUB_NS), TUTORIAL_REGIONS, OperatorRights.foreign()));
  }

  @Test
  @Order(3)
  void kubectlAuthCanIGivesTheSameAnswers() {
    String as = "--as=" + account.user();
    assertThat(cluster.kubectlResult("auth", "can-i", "get", "secrets", "-n", "kube-system", as))
        .matches(r -> !r.ok() && r.stdout().strip().equals("no"), "no");
    assertThat(cluster.kubectlResult("auth", "can-i", "list", "secrets", "-A", as))
        .matches(r -> !r.ok() && r.stdout().strip().equals("no"), "no");
    assertThat(cluster.kubectlResult("auth", "can-i", "get", "secrets", "-n", HUB_NS, as))
        .matches(r -> r.ok() && r.stdout().strip().equals("yes"), "yes");
  }

  @Test
  @Order(4)
  void operatorRunsTheTutorialUnderItsServiceAccount() {
    Instant started = Instant.now();
    operator =
        InstalledOperator.of(cluster, RELEASE_NS, Helm.RELEASE)
            .start("chart-defaults", OperatorRights.DEBUG);
    OperatorRights.assertLeads(cluster, started);

    OperatorRights.shortTutorial(cluster, HUB_NS, operator);

    OperatorRights.assertEventsRecorded(cluster, HUB_NS);
    OperatorRights.assertNoRefusal(operator);
  }

  /**
   * The tutorial's last step, "delete the resource group", under the chart's rights: the namespace
   * controller deletes the operator's Role in the hub namespace with everything else, and the hub's
   * and devices' finalizers must still be released (the custom resources are granted cluster-wide
   * for this), with the hub's brokers removed from both regions.
   */
  @Test
  @Order(5)
  void deletingTheHubNamespaceFinishes() {
    cluster.deleteNamespaces(Duration.ofSeconds(60), HUB_NS);

    for (String ns : TUTORIAL_REGIONS) {
      assertThat(
              cluster.kubectl(
                  "get",
                  "deployments,services,configmaps,secrets",
                  "-n",
                  ns,
                  "-l",
                  "iothub.dev/hub-namespace=" + HUB_NS,
                  "-o",
                  "name"))
          .as("objects of the deleted hub left in %s", ns)
          .isBlank();
    }
    assertThat(operator.alive()).isTrue();
  }
}
