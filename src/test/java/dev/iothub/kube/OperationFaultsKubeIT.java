package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A failure the real API server makes inside a failover: a ResourceQuota in the target region's
 * namespace that refuses new Secrets, so the registry cannot be migrated. The step retries until
 * its deadline, then the failover ends Failed with StepDeadlineExceeded naming the step and the
 * quota's message, rolled back: the hub serves from its source, the source's fence is lifted, the
 * quota of failovers is not charged. Without the ResourceQuota a new request succeeds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationFaultsKubeIT {
  static final String NS = "faults";
  static final String WEST = "faults-westus2";
  static final String CENTRAL = "faults-westcentralus";
  static final Duration DEADLINE = Duration.ofSeconds(15);
  static final Duration WAIT = Duration.ofSeconds(90);

  static RealCluster cluster;
  static AutoCloseable kubelet;
  static OperatorProcess operator;

  @BeforeAll
  static void start() throws IOException {
    cluster = RealCluster.get();
    cluster.installCrds();
    cluster.createNamespaces(NS, WEST, CENTRAL);
    kubelet = cluster.playKubelet();
    Path properties = RealCluster.WORK.resolve("faults.properties");
    Files.createDirectories(RealCluster.WORK);
    Files.writeString(
        properties,
        String.join(
            "\n",
            "quarkus.operator-sdk.namespaces=" + NS,
            "iothub.region-namespace-template=faults-{region}",
            "iothub.watched-region-namespaces=" + WEST + "," + CENTRAL,
            "iothub.failover.step-deadline=PT" + DEADLINE.toSeconds() + "S",
            "iothub.failover.min-interval=PT1S",
            "iothub.retry-initial-delay=PT1S",
            "iothub.retry-max-delay=PT4S",
            ""));
    operator = OperatorProcess.start("faults", cluster.kubeconfig(), properties, Map.of());
    cluster.apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: fleet, namespace: " + NS + "}",
            "spec:",
            "  location: westus2",
            "  registry: {shards: 4}"));
    awaitHub(h -> h.getStatus().getState() == HubState.Active);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster == null) {
      return;
    }
    cluster.deleteNamespaces(WAIT, NS);
    cluster.deleteNamespaces(WAIT, WEST, CENTRAL);
    RealCluster.closeAll(operator, kubelet);
  }

  @Test
  @Order(1)
  void aQuotaThatRefusesSecretsInTheTargetFailsTheMigrationAtItsDeadlineAndRollsBack() {
    // The target may keep the Secrets it has, not one more: then devices arrive in the source,
    // whose new shards the migration must create in the target.
    int secrets = cluster.admin().secrets().inNamespace(CENTRAL).list().getItems().size();
    ResourceQuota quota =
        new ResourceQuotaBuilder()
            .withNewMetadata()
            .withName("no-more-secrets")
            .withNamespace(CENTRAL)
            .endMetadata()
            .withNewSpec()
            .addToHard("count/secrets", new Quantity(String.valueOf(secrets)))
            .endSpec()
            .build();
    cluster.admin().resource(quota).create();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              ResourceQuota q =
                  cluster
                      .admin()
                      .resourceQuotas()
                      .inNamespace(CENTRAL)
                      .withName("no-more-secrets")
                      .get();
              return q.getStatus() != null && q.getStatus().getUsed() != null;
            });
    LimitsKubeIT.createImportIn(cluster, NS, "fleet", "devices", 200);
    await().atMost(WAIT).until(() -> devices() == 200L);
    // The standby copy cannot follow already; the hub serves and says why.
    await()
        .atMost(WAIT)
        .until(
            () ->
                hub().getStatus().getRegistry().getStandbyError() != null
                    && hub()
                        .getStatus()
                        .getRegistry()
                        .getStandbyError()
                        .contains("exceeded quota"));

    request("doomed");
    await().atMost(WAIT).until(() -> phase("doomed") == RequestPhase.Failed);

    FailoverRequest failed = get("doomed");
    System.out.println("Failed: " + failed.getStatus().getMessage());
    assertThat(failed.getStatus().getReason()).isEqualTo("StepDeadlineExceeded");
    assertThat(failed.getStatus().getMessage())
        .startsWith("Step MigratingRegistry did not finish within " + DEADLINE.toSeconds() + " s.")
        .contains("403 Forbidden", "exceeded quota: no-more-secrets", "count/secrets")
        .endsWith("The hub keeps running in West US 2.");
    IoTHub hub = awaitHub(h -> h.getStatus().getState() == HubState.Active);
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westus2");
    assertThat(hub.getStatus().getQuota().getFailoversRemaining()).isEqualTo(2);
    assertThat(hub.getStatus().getHistory())
        .singleElement()
        .satisfies(r -> assertThat(r.getResult()).isEqualTo(RequestPhase.Failed));
    // The writers' fence is open to the source again: devices still arrive there.
    LimitsKubeIT.createImportIn(cluster, NS, "fleet", "after", 10);
    await().atMost(WAIT).until(() -> devices() == 210L);
    assertThat(
            cluster.admin().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "FailoverStepRetrying".equals(e.getReason()))
                .toList())
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getMessage()).contains("exceeded quota"));
  }

  @Test
  @Order(2)
  void withoutTheQuotaANewRequestSucceeds() {
    cluster
        .admin()
        .resourceQuotas()
        .inNamespace(CENTRAL)
        .withName("no-more-secrets")
        .withTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
        .delete();

    request("retry");
    await().atMost(WAIT).until(() -> phase("retry") == RequestPhase.Succeeded);
    IoTHub hub = awaitHub(h -> h.getStatus().getOperation() == null);
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
    assertThat(hub.getStatus().getQuota().getFailoversRemaining()).isEqualTo(1);
    await().atMost(WAIT).until(() -> devices() == 210L);
  }

  static void request(String name) {
    cluster.requestFailover(NS, name, "fleet");
  }

  static FailoverRequest get(String name) {
    return cluster.admin().resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
  }

  static RequestPhase phase(String name) {
    FailoverRequest r = get(name);
    return r == null || r.getStatus() == null ? null : r.getStatus().getPhase();
  }

  static IoTHub hub() {
    return cluster.admin().resources(IoTHub.class).inNamespace(NS).withName("fleet").get();
  }

  static IoTHub awaitHub(java.util.function.Predicate<IoTHub> condition) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              IoTHub h = hub();
              return h != null && h.getStatus() != null && condition.test(h);
            });
    return hub();
  }

  static long devices() {
    IoTHub h = hub();
    return h.getStatus().getRegistry() == null || h.getStatus().getRegistry().getDevices() == null
        ? -1
        : h.getStatus().getRegistry().getDevices();
  }
}
