package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportPhase;
import dev.iothub.api.v1alpha1.DeviceImportSpec;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.operator.broker.PasswordFile;
import dev.iothub.operator.config.IoTHubConfig;
import dev.iothub.operator.failover.ProcessedRequests;
import dev.iothub.operator.registry.DeviceImportFile;
import dev.iothub.operator.status.StatusBudget;
import dev.iothub.testing.GzipBomb;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Object size limits that only a real API server enforces: a Secret holds at most 1 MiB of data.
 * Registry shards are Secrets, and the broker pods read their password lines straight from them; no
 * write may push one past the limit: the registry grows its shards instead (online), an import
 * waits for it, and the hub keeps serving, never wedged on a write the server refuses. A hub with
 * one registry shard would reach the limit with a few thousand devices.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LimitsKubeIT {
  static final String NS = "limits";
  static final String WEST = "limits-westus2";
  static final String CENTRAL = "limits-westcentralus";
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
    Path properties = RealCluster.WORK.resolve("limits.properties");
    Files.createDirectories(RealCluster.WORK);
    Files.writeString(
        properties,
        "quarkus.operator-sdk.namespaces="
            + NS
            + "\n"
            + "iothub.region-namespace-template=limits-{region}\n"
            + "iothub.watched-region-namespaces="
            + WEST
            + ","
            + CENTRAL
            + "\n");
    operator = OperatorProcess.start("limits", cluster.kubeconfig(), properties, Map.of());
    cluster.apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: fleet, namespace: " + NS + "}",
            "spec:",
            "  location: westus2",
            "  registry: {shards: 1}"));
    awaitHub(h -> h.getStatus().getState() == HubState.Active);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster == null) {
      return;
    }
    // The hubs first, while the operator runs (their finalizers clean the regions), then every
    // namespace in one call: the namespace controller waits about 5 s before each deletion.
    cluster.deleteHubs(NS);
    cluster.deleteNamespaces(WAIT, NS, WEST, CENTRAL);
    RealCluster.closeAll(operator, kubelet);
  }

  @Test
  @Order(1)
  void theServerRefusesASecretOverOneMebibyte() {
    // What the mock server accepts and the real one does not: the reason for the checks below.
    Secret big =
        new SecretBuilder()
            .withNewMetadata()
            .withName("too-big")
            .withNamespace(NS)
            .endMetadata()
            .addToData("blob", Base64.getEncoder().encodeToString(new byte[1024 * 1024 + 1]))
            .build();
    assertThatThrownBy(() -> cluster.admin().resource(big).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("Too long")
        .hasMessageContaining("1048576");
  }

  @Test
  @Order(2)
  void anImportThatFitsIsStoredRenderedAndTheRegistryThenGrows() {
    createImport("first", 5_000);

    DeviceImport done = awaitTerminal("first");
    assertThat(done.getStatus().getPhase())
        .as(done.getStatus().getMessage())
        .isEqualTo(DeviceImportPhase.Succeeded);
    await().atMost(WAIT).until(() -> devices() == 5_000L);
    // 5,000 devices with 36-character ids fill the one shard past half of its limit: the hub
    // splits it in two, online.
    IoTHub hub = awaitHub(h -> Integer.valueOf(2).equals(h.getStatus().getRegistry().getShards()));
    assertThat(hub.getStatus().getRegistry().getDevices()).isEqualTo(5_000L);
    assertEveryRegionSecretUnderTheLimit();
  }

  @Test
  @Order(3)
  void anImportBeyondTheShardsWaitsForTheRegistryToGrowAndNoObjectPassesTheLimit() {
    // 8,000 more: 6,500 a shard at 2 shards would be over 900 KiB of password lines. Before this
    // version such an import was refused whole (RegistryFull); now it waits while the hub grows.
    createImport("second", 8_000);

    DeviceImport done = awaitTerminal("second");
    assertThat(done.getStatus().getPhase())
        .as(done.getStatus().getMessage())
        .isEqualTo(DeviceImportPhase.Succeeded);
    assertThat(done.getStatus().getDevicesImported()).isEqualTo(8_000L);
    await().atMost(WAIT).until(() -> devices() == 13_000L);
    IoTHub hub = awaitHub(h -> h.getStatus().getRegistry().getShards() >= 4);
    System.out.printf(
        "Registry grew from 1 to %d shards for 13,000 devices%n",
        hub.getStatus().getRegistry().getShards());
    assertEveryRegionSecretUnderTheLimit();
    // Nothing wedged: the hub is Active and reconciles without errors.
    awaitHub(h -> h.getStatus().getState() == HubState.Active);
    assertThat(operator.log()).doesNotContain("Too long", "Forbidden", "Exception");
  }

  /** Every Secret of the hub's region (registry shards among them), each under its 900 KiB. */
  static void assertEveryRegionSecretUnderTheLimit() {
    List<Secret> secrets = cluster.admin().secrets().inNamespace(WEST).list().getItems();
    assertThat(secrets).isNotEmpty();
    for (Secret s : secrets) {
      assertThat(dataBytes(s))
          .as("bytes of %s", s.getMetadata().getName())
          .isLessThanOrEqualTo(PasswordFile.MAX_FRAGMENT_BYTES);
    }
  }

  @Test
  @Order(4)
  void theHubStatusStaysBoundedWhateverTheRequests() {
    request("move");
    await().atMost(WAIT).until(() -> phase("move") == RequestPhase.Succeeded);
    // Every later request is refused TooSoon by the hub itself and lands in its history, each with
    // the longest name a request can have.
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String prefix = "r" + i + "-";
      names.add(prefix + "x".repeat(253 - prefix.length()));
    }
    names.forEach(LimitsKubeIT::request);
    await()
        .atMost(WAIT)
        .until(() -> names.stream().allMatch(n -> phase(n) == RequestPhase.Rejected));

    IoTHub hub = awaitHub(h -> h.getStatus().getHistory().size() == 20);
    KubernetesSerialization json = cluster.admin().getKubernetesSerialization();
    int hubBytes = json.asJson(hub).length();
    int largestRecord =
        hub.getStatus().getHistory().stream()
            .mapToInt(r -> json.asJson(r).length())
            .max()
            .orElse(0);
    System.out.printf(
        "Hub status bound: %d bytes with 20 records, largest record %d bytes%n",
        hubBytes, largestRecord);
    // The history keeps the configured number of records (20 by default, 100 at most), and no
    // record holds unbounded text (names and confirmations have maxLength): even 100 of the
    // largest records stay far below the 1.5 MiB the API server stores.
    assertThat(hub.getStatus().getHistory()).hasSize(20);
    assertThat((long) largestRecord * IoTHubConfig.MAX_HISTORY_LIMIT).isLessThan(256 * 1024L);
    assertThat(hubBytes).isLessThan(64 * 1024);
  }

  /**
   * 200 refused requests at the longest: names of 253 characters, on a hub whose name (and so
   * hubName and confirmHubName) has the maximum length. The hub's status stays under its budget,
   * every request gets its verdict, and a replay of a name whose record left the history is still
   * refused.
   */
  @Test
  @Order(5)
  void twoHundredRequestsAtTheLongestKeepTheHubStatusUnderItsBudget() {
    String longHub = "l" + "x".repeat(IoTHub.MAX_NAME_LENGTH - 2) + "b";
    cluster.apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: " + longHub + ", namespace: " + NS + "}",
            "spec:",
            "  location: westus2",
            "  registry: {shards: 1}"));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              IoTHub h = hubNamed(longHub);
              return h != null
                  && h.getStatus() != null
                  && h.getStatus().getState() == HubState.Active;
            });
    create("long-move", longHub, longHub);
    await().atMost(WAIT).until(() -> phase("long-move") == RequestPhase.Succeeded);

    List<String> names = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String prefix = "l" + i + "-";
      String name = prefix + "y".repeat(253 - prefix.length());
      names.add(name);
      // Half are refused TooSoon by the hub; half carry a wrong confirmation of maximum length.
      create(name, longHub, i % 2 == 0 ? longHub : "z".repeat(IoTHub.MAX_NAME_LENGTH));
    }
    await()
        .atMost(Duration.ofMinutes(4))
        .until(() -> names.stream().allMatch(n -> phase(n) == RequestPhase.Rejected));

    KubernetesSerialization json = cluster.admin().getKubernetesSerialization();
    IoTHub hub = hubNamed(longHub);
    int statusBytes = json.asJson(hub.getStatus()).getBytes(StandardCharsets.UTF_8).length;
    System.out.printf(
        "Hub status after 200 longest requests: %d bytes, %d records, %d names guarded%n",
        statusBytes, hub.getStatus().getHistory().size(), ProcessedRequests.size(hub.getStatus()));
    assertThat(statusBytes).isLessThan(StatusBudget.MAX_BYTES);
    assertThat(hub.getStatus().getHistory()).hasSizeLessThanOrEqualTo(20 + 2);
    // Every TooSoon refusal and the move were decided by the hub: their names are guarded.
    assertThat(ProcessedRequests.size(hub.getStatus())).isGreaterThanOrEqualTo(101);

    // A replay of the first refused name, long gone from the history of 20.
    String first = names.get(0);
    assertThat(hub.getStatus().getHistory()).noneMatch(r -> first.equals(r.getRequestName()));
    cluster.admin().resources(FailoverRequest.class).inNamespace(NS).withName(first).delete();
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster
                        .admin()
                        .resources(FailoverRequest.class)
                        .inNamespace(NS)
                        .withName(first)
                        .get()
                    == null);
    create(first, longHub, longHub);
    await().atMost(WAIT).until(() -> phase(first) == RequestPhase.Rejected);
    assertThat(
            cluster
                .admin()
                .resources(FailoverRequest.class)
                .inNamespace(NS)
                .withName(first)
                .get()
                .getStatus()
                .getReason())
        .isEqualTo("AlreadyProcessed");
    assertThat(operator.log()).doesNotContain("Too long", "Forbidden");
  }

  /** Creates a request through the client (200 kubectl runs would take minutes). */
  static void create(String name, String hubName, String confirm) {
    FailoverRequest r = new FailoverRequest();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    FailoverRequestSpec spec = new FailoverRequestSpec();
    spec.setHubName(hubName);
    spec.setConfirmHubName(confirm);
    r.setSpec(spec);
    cluster.admin().resource(r).create();
  }

  static IoTHub hubNamed(String name) {
    return cluster.admin().resources(IoTHub.class).inNamespace(NS).withName(name).get();
  }

  @Test
  @Order(6)
  void aGzipBombIsRefusedAndTheOperatorWithTheChartsHeapServesOn() {
    // ~640 KB of gzip (a Secret holds 1 MiB) that inflates to 640 MiB, more than -Xmx512m: the
    // operator used to inflate it whole, run out of memory, and crash-loop on the retried import.
    byte[] bomb = GzipBomb.of(10);
    cluster
        .admin()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("bomb-devices")
                .withNamespace(NS)
                .endMetadata()
                .addToData(DeviceImportSpec.RECORDS_KEY, Base64.getEncoder().encodeToString(bomb))
                .build())
        .create();
    createImportOf("bomb", List.of("bomb-devices"));

    DeviceImport refused = awaitTerminal("bomb");
    assertThat(refused.getStatus().getPhase()).isEqualTo(DeviceImportPhase.Failed);
    assertThat(refused.getStatus().getReason()).isEqualTo("ImportTooLarge");
    assertThat(refused.getStatus().getMessage())
        .contains("Secret bomb-devices inflates to more than 16777216 bytes");
    assertThat(operator.alive()).isTrue();

    // It serves on: a small import of the same hub runs.
    long before = devices();
    createImport("after-bomb", 5);
    DeviceImport done = awaitTerminal("after-bomb");
    assertThat(done.getStatus().getPhase())
        .as(done.getStatus().getMessage())
        .isEqualTo(DeviceImportPhase.Succeeded);
    await().atMost(WAIT).until(() -> devices() == before + 5);
    assertThat(operator.log()).doesNotContain("OutOfMemoryError");
    assertThat(operator.alive()).isTrue();
  }

  static void request(String name) {
    cluster.requestFailover(NS, name, "fleet");
  }

  static RequestPhase phase(String name) {
    FailoverRequest r =
        cluster.admin().resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
    return r == null || r.getStatus() == null ? null : r.getStatus().getPhase();
  }

  static void createImport(String name, int count) {
    createImportIn(cluster, NS, "fleet", name, count);
  }

  /** A DeviceImport of {@code count} random devices (and its Secret) for a hub. */
  static void createImportIn(RealCluster cluster, String ns, String hub, String name, int count) {
    StringBuilder csv = new StringBuilder("# deviceId,primaryKey\n");
    for (int i = 0; i < count; i++) {
      csv.append(UUID.randomUUID()).append(',').append(DeviceKeys.newKey()).append('\n');
    }
    cluster
        .admin()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name + "-devices")
                .withNamespace(ns)
                .endMetadata()
                .addToData(
                    DeviceImportSpec.RECORDS_KEY,
                    Base64.getEncoder().encodeToString(DeviceImportFile.compress(csv.toString())))
                .build())
        .create();
    createImportOf(cluster, ns, hub, name, List.of(name + "-devices"));
  }

  static void createImportOf(String name, List<String> secrets) {
    createImportOf(cluster, NS, "fleet", name, secrets);
  }

  static void createImportOf(
      RealCluster cluster, String ns, String hub, String name, List<String> secrets) {
    DeviceImport job = new DeviceImport();
    job.getMetadata().setName(name);
    job.getMetadata().setNamespace(ns);
    DeviceImportSpec spec = new DeviceImportSpec();
    spec.setHubName(hub);
    spec.setSecretNames(secrets);
    job.setSpec(spec);
    cluster.admin().resource(job).create();
  }

  static DeviceImport awaitTerminal(String name) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              DeviceImport d = importNamed(name);
              return d != null
                  && d.getStatus() != null
                  && d.getStatus().getPhase() != null
                  && d.getStatus().getPhase().isTerminal();
            });
    return importNamed(name);
  }

  static DeviceImport importNamed(String name) {
    return cluster.admin().resources(DeviceImport.class).inNamespace(NS).withName(name).get();
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

  static int dataBytes(Secret secret) {
    return secret.getData().values().stream()
        .mapToInt(v -> Base64.getDecoder().decode(v).length)
        .sum();
  }
}
