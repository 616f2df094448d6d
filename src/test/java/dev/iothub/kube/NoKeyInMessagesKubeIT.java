package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportPhase;
import dev.iothub.api.v1alpha1.DeviceImportSpec;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.registry.DeviceImportFile;
import dev.iothub.operator.registry.DeviceKeySecrets;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryStore;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * No device key in any message, on a real API server with the packaged operator (logging at DEBUG
 * for our code, the most it ever says): a hub with devices (a generated key and a key the user
 * brings), imports with errors (a key where the id belongs, keys in malformed lines) and one that
 * works, and a failover; then every status of every iothub.dev object, every Event of the test's
 * namespaces and every line of the operator's log is searched for every key, as text, as the base64
 * a Secret stores it in, and as hex of its bytes. None may appear.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NoKeyInMessagesKubeIT {
  static final String NS = "nokey";
  static final String WEST = "nokey-westus2";
  static final String CENTRAL = "nokey-westcentralus";
  static final String HUB = "keys-hub";
  static final Duration WAIT = Duration.ofSeconds(90);

  static RealCluster cluster;
  static AutoCloseable kubelet;
  static OperatorProcess operator;

  /** Every key the test made the operator handle, by where it came from. */
  static final Map<String, String> KEYS = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws IOException {
    cluster = RealCluster.get();
    cluster.installCrds();
    cluster.createNamespaces(NS, WEST, CENTRAL);
    kubelet = cluster.playKubelet();
    Path properties = RealCluster.WORK.resolve("nokey.properties");
    Files.createDirectories(RealCluster.WORK);
    Files.writeString(
        properties,
        String.join(
            "\n",
            "quarkus.operator-sdk.namespaces=" + NS,
            "iothub.region-namespace-template=nokey-{region}",
            "iothub.watched-region-namespaces=" + WEST + "," + CENTRAL,
            "iothub.failover.min-interval=PT1S",
            // The most our code ever logs; JOSDK and fabric8 at INFO (they log exceptions).
            "quarkus.log.category.\"dev.iothub\".level=DEBUG",
            "quarkus.log.category.\"io.javaoperatorsdk\".level=INFO",
            ""));
    operator = OperatorProcess.start("nokey", cluster.kubeconfig(), properties, Map.of());
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
  void aHubWithDevicesWhoseKeysAreGeneratedOrBrought() {
    cluster.apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: " + HUB + ", namespace: " + NS + "}",
            "spec: {location: westus2}"));
    awaitHub(h -> h.getStatus().getState() == HubState.Active);

    String brought = DeviceKeys.newKey();
    KEYS.put("pump (brought)", brought);
    cluster
        .admin()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("pump-own-key")
                .withNamespace(NS)
                .endMetadata()
                .addToStringData(DeviceKeySecrets.KEY, brought)
                .build())
        .create();
    cluster.apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: Device",
            "metadata: {name: thermostat-1, namespace: " + NS + "}",
            "spec: {hubName: " + HUB + "}",
            "---",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: Device",
            "metadata: {name: pump, namespace: " + NS + "}",
            "spec: {hubName: " + HUB + ", keySecretName: pump-own-key}"));
    for (String name : List.of("thermostat-1", "pump")) {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                Device d =
                    cluster.admin().resources(Device.class).inNamespace(NS).withName(name).get();
                return d.getStatus() != null && Boolean.TRUE.equals(d.getStatus().getRegistered());
              });
    }
    Secret generated = cluster.admin().secrets().inNamespace(NS).withName("thermostat-1-key").get();
    KEYS.put(
        "thermostat-1 (generated)",
        new String(
            Base64.getDecoder().decode(generated.getData().get(DeviceKeySecrets.KEY)),
            StandardCharsets.UTF_8));

    // Each key is really in use: the registry holds its hash.
    assertThat(
            PasswordHashes.verify(KEYS.get("thermostat-1 (generated)"), hash(WEST, "thermostat-1")))
        .isTrue();
    assertThat(PasswordHashes.verify(brought, hash(WEST, "pump"))).isTrue();
  }

  @Test
  @Order(2)
  void importsWithKeysInTheWrongPlaces() {
    String swapped = keyThatIsNoDeviceId();
    String badFlag = DeviceKeys.newKey();
    String extraField = DeviceKeys.newKey();
    String duplicate = DeviceKeys.newKey();
    String lonely = keyThatIsNoDeviceId();
    String good = DeviceKeys.newKey();
    KEYS.put("import: swapped columns", swapped);
    KEYS.put("import: bad enabled flag", badFlag);
    KEYS.put("import: extra field", extraField);
    KEYS.put("import: duplicate id", duplicate);
    KEYS.put("import: key alone", lonely);
    String csv =
        String.join(
            "\n",
            "# deviceId,primaryKey,enabled",
            "fine-1," + good,
            swapped + ",fine-2",
            "fine-3," + badFlag + ",yes",
            "fine-4," + extraField + ",true," + extraField,
            "fine-1," + duplicate,
            lonely,
            "");
    createImport("broken", csv);
    DeviceImport broken = awaitImport("broken");
    assertThat(broken.getStatus().getPhase()).isEqualTo(DeviceImportPhase.Failed);
    assertThat(broken.getStatus().getReason()).isEqualTo("InvalidRecords");
    assertThat(broken.getStatus().getMessage())
        .contains("line 3: the device id has a character the broker cannot hold", "line 7:");

    String imported = DeviceKeys.newKey();
    KEYS.put("import: imported", imported);
    createImport("fine", "imported-1," + imported + "\n");
    DeviceImport fine = awaitImport("fine");
    assertThat(fine.getStatus().getPhase())
        .as(fine.getStatus().getMessage())
        .isEqualTo(DeviceImportPhase.Succeeded);
    assertThat(PasswordHashes.verify(imported, hash(WEST, "imported-1"))).isTrue();
  }

  @Test
  @Order(3)
  void aFailoverMovesTheKeysHashes() {
    cluster.requestFailover(NS, "keys-failover", HUB);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              FailoverRequest r =
                  cluster
                      .admin()
                      .resources(FailoverRequest.class)
                      .inNamespace(NS)
                      .withName("keys-failover")
                      .get();
              return r != null
                  && r.getStatus() != null
                  && r.getStatus().getPhase() == RequestPhase.Succeeded;
            });
    awaitHub(
        h ->
            h.getStatus().getState() == HubState.Active
                && "westcentralus".equals(h.getStatus().getCurrentLocation().getId()));
    assertThat(PasswordHashes.verify(KEYS.get("pump (brought)"), hash(CENTRAL, "pump"))).isTrue();
  }

  @Test
  @Order(4)
  void theScanFindsAKeyWhereOneIs() {
    // The scan below would fail: it finds each form of a key that is there.
    String key = KEYS.get("thermostat-1 (generated)");
    for (String form : forms(key)) {
      assertThat(leaks(Map.of("a test string", "status: {message: '" + form + "'}")))
          .as(form)
          .isNotEmpty();
    }
    assertThat(KEYS).hasSizeGreaterThanOrEqualTo(8);
  }

  @Test
  @Order(5)
  void noKeyInAnyStatusEventOrLogLine() {
    KubernetesSerialization json = cluster.admin().getKubernetesSerialization();
    Map<String, String> texts = new LinkedHashMap<>();
    for (Class<? extends io.fabric8.kubernetes.client.CustomResource<?, ?>> kind :
        List.of(IoTHub.class, FailoverRequest.class, Device.class, DeviceImport.class)) {
      for (var o : cluster.admin().resources(kind).inAnyNamespace().list().getItems()) {
        texts.put(
            o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(),
            json.asJson(o.getStatus()));
      }
    }
    int events = 0;
    for (String ns : List.of(NS, WEST, CENTRAL)) {
      for (var e : cluster.admin().v1().events().inNamespace(ns).list().getItems()) {
        texts.put("Event " + ns + "/" + e.getMetadata().getName(), json.asJson(e));
        events++;
      }
    }
    List<String> log = operator.log().lines().toList();
    for (int i = 0; i < log.size(); i++) {
      texts.put("operator log line " + (i + 1), log.get(i));
    }
    // What was scanned is what the test made happen: statuses with the import's problems, Events
    // of every object, a log of the whole run.
    assertThat(texts.keySet()).anyMatch(k -> k.startsWith("DeviceImport " + NS + "/broken"));
    assertThat(texts.values())
        .anyMatch(t -> t.contains("the device id has a character the broker cannot hold"));
    assertThat(events).isGreaterThanOrEqualTo(6);
    assertThat(log).hasSizeGreaterThan(20);

    assertThat(leaks(texts)).isEmpty();
  }

  /** Where a form of a key appears: "what scanned: which key (which form)". */
  static List<String> leaks(Map<String, String> texts) {
    List<String> found = new ArrayList<>();
    texts.forEach(
        (where, text) ->
            KEYS.forEach(
                (which, key) -> {
                  for (String form : forms(key)) {
                    if (text.contains(form)) {
                      found.add(where + ": " + which + " (" + form + ")");
                    }
                  }
                }));
    return found;
  }

  /** A key as text, as the base64 a Secret stores it in, and its bytes as hex. */
  static List<String> forms(String key) {
    byte[] raw = Base64.getDecoder().decode(key);
    return List.of(
        key,
        Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)),
        HexFormat.of().formatHex(raw),
        HexFormat.of().withUpperCase().formatHex(raw));
  }

  /** A key with '+' or '/', which no device id may hold: a swapped line is then refused. */
  static String keyThatIsNoDeviceId() {
    String key = DeviceKeys.newKey();
    while (key.indexOf('+') < 0 && key.indexOf('/') < 0) {
      key = DeviceKeys.newKey();
    }
    return key;
  }

  static String hash(String regionNamespace, String id) {
    await().atMost(WAIT).until(() -> record(regionNamespace, id).isPresent());
    return record(regionNamespace, id).orElseThrow().credentialHash();
  }

  static Optional<DeviceRecord> record(String regionNamespace, String id) {
    return cluster.admin().secrets().inNamespace(regionNamespace).list().getItems().stream()
        .filter(s -> RegistryStore.SECRET_TYPE.equals(s.getType()))
        .flatMap(s -> RegistryStore.records(s).stream())
        .filter(r -> r.id().equals(id))
        .findFirst();
  }

  static void createImport(String name, String csv) {
    cluster
        .admin()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name + "-devices")
                .withNamespace(NS)
                .endMetadata()
                .addToData(
                    DeviceImportSpec.RECORDS_KEY,
                    Base64.getEncoder().encodeToString(DeviceImportFile.compress(csv)))
                .build())
        .create();
    DeviceImport job = new DeviceImport();
    job.getMetadata().setName(name);
    job.getMetadata().setNamespace(NS);
    DeviceImportSpec spec = new DeviceImportSpec();
    spec.setHubName(HUB);
    spec.setSecretNames(List.of(name + "-devices"));
    job.setSpec(spec);
    cluster.admin().resource(job).create();
  }

  static DeviceImport awaitImport(String name) {
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
    return cluster.admin().resources(IoTHub.class).inNamespace(NS).withName(HUB).get();
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
}
