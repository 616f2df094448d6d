package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.embedded.SimulatedKubelet;
import dev.iothub.packaging.Helm;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two operator replicas of one chart release, with the chart's leader election: only the Lease
 * holder reconciles; when it is killed in the middle of a failover, the other replica takes the
 * Lease within the lease duration and finishes the failover from the step recorded in the hub's
 * status.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaderElectionKubeIT {
  static final String RELEASE = "ha";
  static final String SYSTEM = "ha-system";
  static final String NS = "ha";
  static final String WEST = "ha-westus2";
  static final String CENTRAL = "ha-westcentralus";
  static final String LEASE = "ha-iothub-operator-leader";

  /** JOSDK's default lease duration; the chart does not change it. */
  static final Duration LEASE_DURATION = Duration.ofSeconds(15);

  static final Duration WAIT = Duration.ofSeconds(60);

  static RealCluster cluster;
  static SimulatedKubelet kubelet;
  static OperatorProcess first;
  static OperatorProcess second;

  @BeforeAll
  static void install() {
    cluster = RealCluster.get();
    cluster.installCrds();
    cluster.createNamespaces(NS);
    Helm.Result r =
        cluster.helm(
            "install",
            RELEASE,
            "helm/iothub-operator",
            "--namespace",
            SYSTEM,
            "--create-namespace",
            "--set",
            "replicaCount=2",
            "--set",
            "hubNamespaces={" + NS + "}",
            "--set",
            "regions.namespaceTemplate=ha-{region}",
            "--set",
            "regions.namespaces={" + WEST + "," + CENTRAL + "}");
    assertThat(r.ok()).as(r.describe()).isTrue();
    kubelet = cluster.simulatedKubelet();
    InstalledOperator installed = InstalledOperator.of(cluster, SYSTEM, "ha-iothub-operator");
    first = installed.start("ha-first", Map.of());
    await().atMost(WAIT).until(() -> "ha-first".equals(holder()));
    second = installed.launch("ha-second", Map.of());
  }

  @AfterAll
  static void uninstall() throws Exception {
    if (cluster == null) {
      return;
    }
    // The hubs first, while the operator runs (their finalizers clean the regions), then every
    // namespace in one call: the namespace controller waits about 5 s before each deletion.
    cluster.deleteHubs(NS);
    cluster.deleteNamespaces(WAIT, NS, WEST, CENTRAL);
    RealCluster.closeAll(first, second, kubelet);
    cluster.helm("uninstall", RELEASE, "--namespace", SYSTEM);
    cluster.deleteNamespaces(WAIT, SYSTEM);
  }

  @Test
  @Order(1)
  void onlyTheLeaseHolderReconciles() {
    cluster.apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: contoso-hub, namespace: " + NS + "}",
            "spec: {location: westus2}"));

    awaitHub(
        h -> h.getStatus().getState() == HubState.Active && h.getStatus().getOperation() == null);
    assertThat(holder()).isEqualTo("ha-first");
    // The Event (and its log line) follows the status write that made the hub Active.
    await().atMost(WAIT).until(() -> first.log().contains("contoso-hub BrokerAvailable"));
    // The standby runs (its informers warm) but records nothing: it never reconciled.
    assertThat(second.alive()).isTrue();
    assertThat(second.log()).doesNotContain("EventRecorder");
  }

  @Test
  @Order(2)
  void theStandbyTakesOverAndFinishesAFailoverInProgress() {
    // The target region's brokers do not start until repaired: the failover waits at that step.
    kubelet.breakNamespace(CENTRAL);
    cluster.requestFailover(NS, "failover-1", "contoso-hub");
    awaitHub(
        h ->
            h.getStatus().getOperation() != null
                && h.getStatus().getOperation().getStep() == OperationStep.ActivatingTarget);

    first.kill();
    Instant killed = Instant.now();
    await().atMost(LEASE_DURATION.multipliedBy(3)).until(() -> "ha-second".equals(holder()));
    Duration takeover = Duration.between(killed, Instant.now());
    System.out.println("Leader takeover after a kill: " + takeover.toMillis() + " ms");
    // The Lease expires LEASE_DURATION after the last renewal, and the standby retries every 2 s.
    assertThat(takeover).isLessThan(LEASE_DURATION.plusSeconds(5));

    kubelet.repair(CENTRAL);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              FailoverRequest r = request("failover-1");
              return r.getStatus() != null && r.getStatus().getPhase() == RequestPhase.Succeeded;
            });
    IoTHub hub = awaitHub(h -> h.getStatus().getOperation() == null);
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
    assertThat(hub.getStatus().getState()).isEqualTo(HubState.Active);
    assertThat(hub.getStatus().getHistory()).hasSize(1);
    assertThat(second.log()).contains("contoso-hub FailoverCompleted");
  }

  static String holder() {
    Lease lease = cluster.admin().leases().inNamespace(SYSTEM).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  static FailoverRequest request(String name) {
    return cluster.admin().resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
  }

  static IoTHub awaitHub(java.util.function.Predicate<IoTHub> condition) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              IoTHub h =
                  cluster
                      .admin()
                      .resources(IoTHub.class)
                      .inNamespace(NS)
                      .withName("contoso-hub")
                      .get();
              return h != null && h.getStatus() != null && condition.test(h);
            });
    return Objects.requireNonNull(
        cluster.admin().resources(IoTHub.class).inNamespace(NS).withName("contoso-hub").get());
  }
}
