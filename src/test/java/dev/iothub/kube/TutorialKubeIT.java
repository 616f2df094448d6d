package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.packaging.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Azure manual failover tutorial on a real API server, as a user runs it: the chart installed
 * with helm (default values but an 8-second interval between operations), the operator jar running
 * with the chart's ServiceAccount and configuration, and every step a {@code kubectl apply} of the
 * files in examples/tutorial. The test plays only the kubelet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TutorialKubeIT {
  static final String NS = "manlfailrg";
  static final String WEST = "iothub-westus2";
  static final String CENTRAL = "iothub-westcentralus";
  static final Duration INTERVAL = Duration.ofSeconds(8);
  static final Duration WAIT = Duration.ofSeconds(60);

  static final Path CLASS_LOG = RealCluster.WORK.resolve("tutorial-classes.log");

  static RealCluster cluster;
  static AutoCloseable kubelet;
  static OperatorProcess operator;

  @BeforeAll
  static void install() {
    cluster = RealCluster.get();
    // The README quickstart's command, as a user runs it.
    cluster.kubectl("apply", "-f", "crds/");
    Helm.Result r =
        cluster.helm(
            "install",
            Helm.RELEASE,
            "helm/iothub-operator",
            "--namespace",
            Helm.NAMESPACE,
            "--create-namespace",
            "--set",
            "failover.minInterval=PT" + INTERVAL.toSeconds() + "S");
    assertThat(r.ok()).as(r.describe()).isTrue();
    kubelet = cluster.playKubelet();
    operator =
        InstalledOperator.of(cluster, Helm.NAMESPACE, Helm.RELEASE)
            .start(
                "tutorial", Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + CLASS_LOG));
  }

  @AfterAll
  static void uninstall() throws Exception {
    if (cluster == null) {
      return;
    }
    // The operator still runs while the namespaces go, so that its finalizers let the hub go.
    // The hubs first, while the operator runs (their finalizers clean the regions), then every
    // namespace in one call: the namespace controller waits about 5 s before each deletion.
    cluster.deleteHubs(NS);
    cluster.deleteNamespaces(WAIT, NS, WEST, CENTRAL);
    RealCluster.closeAll(operator, kubelet);
    cluster.helm("uninstall", Helm.RELEASE, "--namespace", Helm.NAMESPACE);
    cluster.deleteNamespaces(WAIT, Helm.NAMESPACE);
  }

  @Test
  @Order(1)
  void hubRunsInWestUs2() {
    cluster.kubectl("apply", "-f", "examples/tutorial/00-namespaces.yaml");
    cluster.kubectl("apply", "-f", "examples/tutorial/01-hub.yaml");

    IoTHub hub = awaitHub(h -> h.getStatus().getState() == HubState.Active);
    assertThat(hub.getStatus().getCurrentLocation().getDisplayName()).isEqualTo("West US 2");
    assertThat(hub.getStatus().getFailoverLocation().getDisplayName()).isEqualTo("West Central US");
    assertThat(replicas(WEST)).isEqualTo(1);
    assertThat(replicas(CENTRAL)).isZero();
    assertThat(cluster.admin().services().inNamespace(NS).withName("contoso-hub").get())
        .isNotNull();
  }

  @Test
  @Order(2)
  void devicesRegister() {
    cluster.kubectl("apply", "-f", "examples/tutorial/04-devices.yaml");

    for (String name : new String[] {"thermostat-1", "pump"}) {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                Device d =
                    cluster.admin().resources(Device.class).inNamespace(NS).withName(name).get();
                return d.getStatus() != null && Boolean.TRUE.equals(d.getStatus().getRegistered());
              });
      assertThat(cluster.admin().secrets().inNamespace(NS).withName(name + "-key").get())
          .isNotNull();
    }
    await().atMost(WAIT).until(() -> hub().getStatus().getRegistry().getDevices() == 2L);
  }

  @Test
  @Order(3)
  void failoverToWestCentralUs() {
    cluster.kubectl("apply", "-f", "examples/tutorial/02-failover.yaml");

    FailoverRequest done = awaitTerminal("contoso-hub-failover-1");
    assertThat(done.getStatus().getPhase())
        .as(done.getStatus().getMessage())
        .isEqualTo(RequestPhase.Succeeded);
    assertThat(done.getStatus().getType()).isEqualTo(OperationType.Failover);
    assertThat(done.getStatus().getDevicesMigrated()).isEqualTo(2L);
    IoTHub hub = awaitHub(h -> h.getStatus().getState() == HubState.Active);
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
    assertThat(hub.getStatus().getMessage())
        .isEqualTo("Manual failover is complete. contoso-hub is running in West Central US.");
    assertThat(replicas(CENTRAL)).isEqualTo(1);
    assertThat(replicas(WEST)).isZero();
  }

  @Test
  @Order(4)
  void earlyFailbackIsRefusedTooSoon() {
    cluster.kubectl("apply", "-f", "examples/tutorial/03-failback.yaml");

    FailoverRequest refused = awaitTerminal("contoso-hub-failback-1");
    assertThat(refused.getStatus().getPhase()).isEqualTo(RequestPhase.Rejected);
    assertThat(refused.getStatus().getReason()).isEqualTo("TooSoon");
    assertThat(refused.getStatus().getRetryAfter()).isNotBlank();
    assertThat(refused.getStatus().getMessage())
        .contains(
            "completed less than " + INTERVAL.toSeconds() + " seconds ago",
            refused.getStatus().getRetryAfter());
    assertThat(hub().getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
  }

  @Test
  @Order(5)
  void failbackAfterTheInterval() {
    String retryAfter =
        cluster
            .admin()
            .resources(FailoverRequest.class)
            .inNamespace(NS)
            .withName("contoso-hub-failback-1")
            .get()
            .getStatus()
            .getRetryAfter();
    await()
        .atMost(INTERVAL.plusSeconds(10))
        .until(() -> Instant.now().isAfter(Instant.parse(retryAfter)));
    // A request is one-shot: the failback is a new request under a new name.
    cluster.kubectl("apply", "-f", "examples/tutorial/05-failback-later.yaml");

    FailoverRequest done = awaitTerminal("contoso-hub-failback-2");
    assertThat(done.getStatus().getPhase())
        .as(done.getStatus().getMessage())
        .isEqualTo(RequestPhase.Succeeded);
    assertThat(done.getStatus().getType()).isEqualTo(OperationType.Failback);
    IoTHub hub = awaitHub(h -> h.getStatus().getState() == HubState.Active);
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westus2");
    assertThat(replicas(WEST)).isEqualTo(1);
    assertThat(replicas(CENTRAL)).isZero();
    assertThat(hub.getStatus().getHistory())
        .extracting(r -> r.getResult())
        .containsExactly(RequestPhase.Succeeded, RequestPhase.Rejected, RequestPhase.Succeeded);
  }

  @Test
  @Order(6)
  void deletingTheHubRemovesEverythingItCreated() {
    String hubUid = hub().getMetadata().getUid();
    assertThat(cluster.admin().services().inNamespace(NS).withName("contoso-hub").get())
        .matches(s -> ownedBy(s, hubUid), "owned by the hub");
    cluster.kubectl("delete", "iothub", "contoso-hub", "-n", NS, "--timeout=60s");

    String selector = HubNames.HUB_NAME + "=contoso-hub," + HubNames.HUB_NAMESPACE + "=" + NS;
    // Region objects carry labels (no owner across namespaces): the finalizer removed them.
    for (String ns : new String[] {WEST, CENTRAL}) {
      assertThat(
              cluster.kubectl(
                  "get",
                  "deployments,services,configmaps,secrets",
                  "-n",
                  ns,
                  "-l",
                  selector,
                  "-o",
                  "name"))
          .as("objects of the hub left in %s", ns)
          .isBlank();
    }
    // Hub-namespace objects carry owner references to the hub: the garbage collector removes them.
    // (Device key Secrets belong to the Devices, which the user declared and still has.)
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        Stream.concat(
                                cluster
                                    .admin()
                                    .services()
                                    .inNamespace(NS)
                                    .list()
                                    .getItems()
                                    .stream(),
                                cluster
                                    .admin()
                                    .secrets()
                                    .inNamespace(NS)
                                    .list()
                                    .getItems()
                                    .stream())
                            .filter(o -> ownedBy(o, hubUid))
                            .map(o -> o.getKind() + "/" + o.getMetadata().getName()))
                    .isEmpty());

    // The tutorial's last step: delete the resource group. Devices and their key Secrets go with
    // it, and no finalizer of ours keeps the namespace Terminating.
    cluster.deleteNamespaces(WAIT, NS);
    assertThat(operator.alive()).isTrue();
  }

  @Test
  @Order(7)
  void theOperatorOnAClusterNeverLoadsTheEmbeddedServer() throws Exception {
    // The mock API server ships in the jar for the no-cluster main job; on a cluster it stays
    // unloaded, and so does the simulated kubelet.
    String loaded = Files.readString(CLASS_LOG);
    assertThat(loaded).contains("dev.iothub.operator.controller.IoTHubReconciler");
    assertThat(loaded)
        .doesNotContain(
            "io.fabric8.mockwebserver",
            "io.fabric8.kubernetes.client.server.mock",
            "dev.iothub.embedded.EmbeddedApiServer",
            "dev.iothub.embedded.SimulatedKubelet");
  }

  static boolean ownedBy(HasMetadata object, String uid) {
    return object.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()));
  }

  static IoTHub hub() {
    return cluster.admin().resources(IoTHub.class).inNamespace(NS).withName("contoso-hub").get();
  }

  static IoTHub awaitHub(java.util.function.Predicate<IoTHub> condition) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              IoTHub h = hub();
              return h != null
                  && h.getStatus() != null
                  && h.getStatus().getOperation() == null
                  && condition.test(h);
            });
    return hub();
  }

  static FailoverRequest awaitTerminal(String name) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              FailoverRequest r =
                  cluster
                      .admin()
                      .resources(FailoverRequest.class)
                      .inNamespace(NS)
                      .withName(name)
                      .get();
              return r != null
                  && r.getStatus() != null
                  && r.getStatus().getPhase() != null
                  && r.getStatus().getPhase().isTerminal();
            });
    return cluster.admin().resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
  }

  static int replicas(String namespace) {
    return cluster
        .admin()
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withLabel(HubNames.HUB_NAME, "contoso-hub")
        .list()
        .getItems()
        .stream()
        .mapToInt(d -> d.getSpec().getReplicas())
        .sum();
  }
}
