package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.iothub.api.v1alpha1.BrokerSpec;
import dev.iothub.api.v1alpha1.DeviceImportStatus;
import dev.iothub.api.v1alpha1.DeviceSpec;
import dev.iothub.api.v1alpha1.DeviceStatus;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.FailoverRequestStatus;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.RegistrySpec;
import dev.iothub.api.v1alpha1.Samples;
import dev.iothub.packaging.Helm;
import dev.iothub.packaging.Project;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The admission of the committed CRDs (crds/) by a real kube-apiserver: every {@code
 * x-kubernetes-validations} rule and every schema constraint (required, pattern, enum, minimum,
 * maximum, maxLength, minItems, maxItems) of every kind is listed from the CRD files, and each has
 * at least one bad object that the server refuses with that constraint's own message; a constraint
 * without a case, or a keyword the list does not know, fails {@link
 * #everyConstraintOfTheCrdsHasACase}. Good objects, defaults, the status subresource and every file
 * of examples/ are accepted.
 *
 * <p>Creates and updates are server-side dry runs, except the objects that transition rules compare
 * against ({@code stored} fixtures, created once) and the examples.
 */
class CrdAdmissionKubeIT {
  static final String API_GROUP = "iothub.dev";
  static final String API_VERSION = API_GROUP + "/v1alpha1";
  static final String EXAMPLES_NAMESPACE = "admission-examples";
  static final List<String> KINDS = List.of("IoTHub", "FailoverRequest", "Device", "DeviceImport");
  static final Path CRDS = Project.path("crds");
  static final Path EXAMPLES = Project.path("examples");
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The fixtures of src/test/resources/fixtures/admission, created once: the old objects. */
  static final List<String> STORED =
      List.of(
          "iothub-minimal",
          "iothub-full",
          "failoverrequest",
          "device",
          "device-minimal",
          "deviceimport");

  static RealCluster cluster;

  @BeforeAll
  static void installCrds() {
    cluster = RealCluster.get();
    cluster.installCrds();
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", "-f", "crds/");
    cluster.createNamespaces(KINDS.stream().map(k -> namespace(k)).toArray(String[]::new));
    cluster.createNamespaces(EXAMPLES_NAMESPACE);
    for (String fixture : STORED) {
      ObjectNode stored = stored(fixture(fixture));
      api(stored).resource(generic(stored)).create();
    }
  }

  @AfterAll
  static void deleteNamespaces() {
    if (cluster != null) {
      List<String> names = new ArrayList<>(KINDS.stream().map(k -> namespace(k)).toList());
      names.add(EXAMPLES_NAMESPACE);
      List<String> args = new ArrayList<>(List.of("delete", "namespace", "--wait=false"));
      args.addAll(names);
      cluster.kubectlResult(args.toArray(String[]::new));
    }
  }

  static String namespace(String kind) {
    return "admission-" + kind.toLowerCase(Locale.ROOT);
  }

  // ------------------------------------------------------------------------------ the CRDs

  @Test
  void theFourCrdsAreEstablished() {
    List<CustomResourceDefinition> crds =
        cluster.admin().apiextensions().v1().customResourceDefinitions().list().getItems().stream()
            .filter(c -> c.getSpec().getGroup().equals("iothub.dev"))
            .toList();

    assertThat(crds)
        .extracting(c -> c.getSpec().getNames().getKind())
        .containsExactlyInAnyOrderElementsOf(KINDS);
    assertThat(crds)
        .allSatisfy(
            c ->
                assertThat(c.getStatus().getConditions())
                    .anySatisfy(
                        cond -> {
                          assertThat(cond.getType()).isEqualTo("Established");
                          assertThat(cond.getStatus()).isEqualTo("True");
                        }));
  }

  /**
   * One validation of a committed CRD: a rule ({@code x-kubernetes-validations}) or a schema
   * keyword at a field ({@code path}: {@code spec.location}, {@code status.history[0].result}; the
   * root is empty), and what the API server says when an object breaks it.
   */
  record Constraint(String kind, String path, String keyword, String arg, JsonNode at) {
    String id() {
      String where = path.isEmpty() ? "<root>" : path;
      return kind + " " + where + " " + keyword + (arg == null ? "" : " " + arg);
    }

    /** Texts that the server's refusal must all contain. */
    List<String> expected() {
      return switch (keyword) {
        case "rule" ->
            List.of(
                (path.isEmpty() ? "<nil>" : path)
                    + ": Invalid value: \""
                    + at.path("type").asText()
                    + "\": "
                    + message());
        case "required" -> List.of(join(path, arg) + ": Required value");
        case "pattern" ->
            List.of(
                path + ": Invalid value: ",
                path + " in body should match '" + at.get("pattern").asText() + "'");
        case "enum" ->
            List.of(
                path + ": Unsupported value: ",
                "supported values: "
                    + stream(at.get("enum"))
                        .map(v -> "\"" + v.asText() + "\"")
                        .collect(Collectors.joining(", ")));
        case "minimum" ->
            List.of(path + " in body should be greater than or equal to " + number("minimum"));
        case "maximum" ->
            List.of(path + " in body should be less than or equal to " + number("maximum"));
        case "minItems" ->
            List.of(path + " in body should have at least " + number("minItems") + " items");
        case "maxItems" ->
            List.of(path + ": Too many: ", "must have at most " + number("maxItems") + " items");
        case "maxLength" ->
            List.of(path + ": Too long: may not be more than " + number("maxLength") + " bytes");
        default -> throw new IllegalStateException("no expectation for " + keyword);
      };
    }

    private String message() {
      for (JsonNode v : at.get("x-kubernetes-validations")) {
        if (v.get("rule").asText().equals(arg)) {
          return v.get("message").asText();
        }
      }
      throw new IllegalStateException(arg);
    }

    private String number(String key) {
      double d = at.get(key).asDouble();
      return Long.toString((long) d);
    }
  }

  /** Every constraint of every committed CRD, read from crds/. */
  static Map<String, Constraint> constraints() {
    Map<String, Constraint> all = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(CRDS)) {
      for (Path file : files.sorted().toList()) {
        JsonNode crd = YAML.readTree(file.toFile());
        String kind = crd.at("/spec/names/kind").asText();
        for (JsonNode version : crd.at("/spec/versions")) {
          List<Constraint> found = new ArrayList<>();
          walk(kind, version.at("/schema/openAPIV3Schema"), "", found);
          found.forEach(c -> all.put(c.id(), c));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  private static void walk(String kind, JsonNode schema, String path, List<Constraint> out) {
    for (Iterator<String> keys = schema.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      JsonNode value = schema.get(key);
      switch (key) {
        case "type", "description", "default", "x-kubernetes-int-or-string" -> {}
        case "properties" ->
            value
                .fields()
                .forEachRemaining(p -> walk(kind, p.getValue(), join(path, p.getKey()), out));
        case "items" -> walk(kind, value, path + "[0]", out);
        case "additionalProperties" -> walk(kind, value, path + "[key]", out);
        case "anyOf" -> {
          // int-or-string: {type: integer} or {type: string}, nothing else.
          for (JsonNode alternative : value) {
            assertThat(alternative.size()).as(kind + " " + path + " anyOf").isEqualTo(1);
          }
        }
        case "required" ->
            value.forEach(p -> out.add(new Constraint(kind, path, key, p.asText(), schema)));
        case "pattern", "enum", "minimum", "maximum", "maxLength", "minItems", "maxItems" ->
            out.add(new Constraint(kind, path, key, null, schema));
        case "x-kubernetes-validations" -> {
          for (JsonNode v : value) {
            assertThat(iterable(v.fieldNames()))
                .as(
                    kind
                        + " "
                        + path
                        + ": a rule with more than rule and message needs a case kind")
                .containsExactlyInAnyOrder("rule", "message");
            out.add(new Constraint(kind, path, "rule", v.get("rule").asText(), schema));
          }
        }
        default ->
            throw new AssertionError(
                kind
                    + " "
                    + path
                    + ": the CRD uses '"
                    + key
                    + "', which this test does not know: add its expected message to"
                    + " Constraint.expected() and a case");
      }
    }
  }

  // ------------------------------------------------------------------------------ the cases

  enum Op {
    /** A create of the fixture, changed. */
    CREATE,
    /** An update of the stored fixture, changed (transition rules see the stored one). */
    UPDATE,
    /** An update of the status subresource of the stored fixture, changed. */
    STATUS
  }

  record Case(
      String constraint, Op op, String fixture, String what, UnaryOperator<ObjectNode> change) {
    @Override
    public String toString() {
      return (constraint == null ? "" : constraint + ": ") + op + " " + fixture + " " + what;
    }
  }

  static Case refused(
      String constraint, Op op, String fixture, String what, UnaryOperator<ObjectNode> change) {
    return new Case(constraint, op, fixture, what, change);
  }

  static Case accepted(Op op, String fixture, String what, UnaryOperator<ObjectNode> change) {
    return new Case(null, op, fixture, what, change);
  }

  static UnaryOperator<ObjectNode> set(String path, Object value) {
    return o -> with(o, path, value);
  }

  static UnaryOperator<ObjectNode> remove(String path) {
    return o -> with(o, path, null);
  }

  static final String HUB = "iothub-minimal";
  static final String FULL_HUB = "iothub-full";
  static final String REQUEST = "failoverrequest";
  static final String DEVICE = "device";
  static final String MINIMAL_DEVICE = "device-minimal";
  static final String IMPORT = "deviceimport";

  static final String IMMUTABLE = "rule self == oldSelf";
  static final String NAME_LENGTH = "IoTHub <root> rule size(self.metadata.name) <= 50";
  static final String NAME_LABEL =
      "IoTHub <root> rule self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')";

  static final String DEVICE_ID_KEPT =
      "Device spec rule has(self.deviceId) == has(oldSelf.deviceId)";

  static Stream<Case> refusals() {
    return Stream.concat(declaredRefusals(), statusLengthRefusals());
  }

  /**
   * One refusal per maxLength of a status string, built from crds/: the stored object with a status
   * holding that one string a character too long. The operator's writers keep to these bounds
   * (messages are cut), and the server holds them to it.
   */
  static Stream<Case> statusLengthRefusals() {
    Map<String, String> stored =
        Map.of("IoTHub", HUB, "FailoverRequest", REQUEST, "Device", DEVICE, "DeviceImport", IMPORT);
    return constraints().values().stream()
        .filter(c -> c.keyword().equals("maxLength") && c.path().startsWith("status."))
        .map(
            c -> {
              int max = c.at().get("maxLength").asInt();
              return refused(
                  c.id(),
                  Op.STATUS,
                  stored.get(c.kind()),
                  (max + 1) + " characters",
                  o -> withAt(o, c.path(), "x".repeat(max + 1)));
            });
  }

  static Stream<Case> declaredRefusals() {
    return Stream.of(
        // IoTHub
        refused(NAME_LENGTH, Op.CREATE, HUB, "51 characters", set("metadata.name", "h".repeat(51))),
        refused(NAME_LABEL, Op.CREATE, HUB, "1hub", set("metadata.name", "1hub")),
        refused(NAME_LABEL, Op.CREATE, HUB, "contoso.hub", set("metadata.name", "contoso.hub")),
        refused(NAME_LABEL, Op.CREATE, HUB, "hub.v2.prod", set("metadata.name", "hub.v2.prod")),
        refused("IoTHub <root> required spec", Op.CREATE, HUB, "no spec", remove("spec")),
        refused(
            "IoTHub spec required location",
            Op.CREATE,
            HUB,
            "no location",
            remove("spec.location")),
        refused(
            "IoTHub spec required location",
            Op.CREATE,
            FULL_HUB,
            "no location",
            remove("spec.location")),
        refused(
            "IoTHub spec.location pattern",
            Op.CREATE,
            HUB,
            "West US 2",
            set("spec.location", "West US 2")),
        refused(
            "IoTHub spec.location pattern",
            Op.CREATE,
            HUB,
            "WESTUS2",
            set("spec.location", "WESTUS2")),
        refused(
            "IoTHub spec.location pattern",
            Op.CREATE,
            HUB,
            "west-us-2",
            set("spec.location", "west-us-2")),
        refused(
            "IoTHub spec.location pattern",
            Op.CREATE,
            HUB,
            "2westus",
            set("spec.location", "2westus")),
        refused("IoTHub spec.location pattern", Op.CREATE, HUB, "w", set("spec.location", "w")),
        refused("IoTHub spec.location pattern", Op.CREATE, HUB, "empty", set("spec.location", "")),
        // Too long is refused by maxLength alone: the server then skips the pattern.
        refused(
            "IoTHub spec.location maxLength",
            Op.CREATE,
            HUB,
            "41 characters",
            set("spec.location", "a".repeat(41))),
        refused(
            "IoTHub spec.location " + IMMUTABLE,
            Op.UPDATE,
            HUB,
            "to westcentralus",
            set("spec.location", "westcentralus")),
        refused(
            "IoTHub spec.broker.image pattern",
            Op.CREATE,
            HUB,
            "with a space",
            set("spec.broker.image", "eclipse mosquitto")),
        refused(
            "IoTHub spec.broker.resources rule !has(self.claims)",
            Op.CREATE,
            HUB,
            "a resource claim",
            set("spec.broker.resources.claims", List.of(Map.of("name", "gpu")))),
        refused(
            "IoTHub spec.broker.image maxLength",
            Op.CREATE,
            HUB,
            "513 characters",
            set("spec.broker.image", "registry.example.com/" + "m".repeat(490) + ":2")),
        refused(
            "IoTHub spec.broker.replicas minimum",
            Op.CREATE,
            HUB,
            "0",
            set("spec.broker.replicas", 0)),
        refused(
            "IoTHub spec.broker.replicas minimum",
            Op.CREATE,
            HUB,
            "-1",
            set("spec.broker.replicas", -1)),
        refused(
            "IoTHub spec.broker.replicas maximum",
            Op.CREATE,
            HUB,
            "11",
            set("spec.broker.replicas", 11)),
        refused(
            "IoTHub spec.registry.shards minimum",
            Op.CREATE,
            HUB,
            "0",
            set("spec.registry.shards", 0)),
        refused(
            "IoTHub spec.registry.shards maximum",
            Op.CREATE,
            HUB,
            "257",
            set("spec.registry.shards", 257)),
        refused(
            "IoTHub spec.registry.shards " + IMMUTABLE,
            Op.UPDATE,
            FULL_HUB,
            "64 to 1",
            set("spec.registry.shards", 1)),
        refused(
            "IoTHub spec.registry.shards " + IMMUTABLE,
            Op.UPDATE,
            HUB,
            "the default 4 to 8",
            set("spec.registry.shards", 8)),
        refused(
            "IoTHub spec.registry.shards " + IMMUTABLE,
            Op.UPDATE,
            FULL_HUB,
            "registry removed (64 to the default 4)",
            remove("spec.registry")),
        refused(
            "IoTHub spec.endpoint required hostName",
            Op.CREATE,
            HUB,
            "an endpoint without hostName",
            set("spec.endpoint", Map.of())),
        refused(
            "IoTHub spec.endpoint.hostName pattern",
            Op.CREATE,
            HUB,
            "Mqtt.Contoso.com",
            set("spec.endpoint", Map.of("hostName", "Mqtt.Contoso.com"))),
        refused(
            "IoTHub spec.endpoint.hostName pattern",
            Op.CREATE,
            HUB,
            "*.contoso.com",
            set("spec.endpoint", Map.of("hostName", "*.contoso.com"))),
        refused(
            "IoTHub spec.endpoint.hostName pattern",
            Op.CREATE,
            HUB,
            "mqtt.contoso.com.",
            set("spec.endpoint", Map.of("hostName", "mqtt.contoso.com."))),
        refused(
            "IoTHub spec.endpoint.hostName maxLength",
            Op.CREATE,
            HUB,
            "254 characters",
            set(
                "spec.endpoint",
                Map.of(
                    "hostName",
                    String.join(
                        ".", "a".repeat(63), "a".repeat(63), "a".repeat(63), "a".repeat(62))))),
        refused(
            "IoTHub status.state enum",
            Op.STATUS,
            HUB,
            "Sleeping",
            set("status.state", "Sleeping")),
        refused(
            "IoTHub status.regionClusters maxItems",
            Op.STATUS,
            HUB,
            "three regions in other clusters",
            set(
                "status.regionClusters",
                List.of(Map.of("region", "a"), Map.of("region", "b"), Map.of("region", "c")))),
        refused(
            "IoTHub status.history[0].result enum",
            Op.STATUS,
            HUB,
            "Done",
            set("status.history", List.of(Map.of("result", "Done")))),
        refused(
            "IoTHub status.history[0].type enum",
            Op.STATUS,
            HUB,
            "Failsideways",
            set("status.history", List.of(Map.of("type", "Failsideways")))),
        refused(
            "IoTHub status.history[0].steps[0].step enum",
            Op.STATUS,
            HUB,
            "Resting",
            set("status.history", List.of(Map.of("steps", List.of(Map.of("step", "Resting")))))),
        refused(
            "IoTHub status.operation.type enum",
            Op.STATUS,
            HUB,
            "Failsideways",
            set("status.operation.type", "Failsideways")),
        refused(
            "IoTHub status.operation.step enum",
            Op.STATUS,
            HUB,
            "Resting",
            set("status.operation.step", "Resting")),
        refused(
            "IoTHub status.operation.steps[0].step enum",
            Op.STATUS,
            HUB,
            "Resting",
            set("status.operation.steps", List.of(Map.of("step", "Resting")))),
        // FailoverRequest
        refused(
            "FailoverRequest <root> required spec", Op.CREATE, REQUEST, "no spec", remove("spec")),
        refused(
            "FailoverRequest spec required hubName",
            Op.CREATE,
            REQUEST,
            "no hubName",
            remove("spec.hubName")),
        refused(
            "FailoverRequest spec required confirmHubName",
            Op.CREATE,
            REQUEST,
            "no confirmation",
            remove("spec.confirmHubName")),
        refused(
            "FailoverRequest spec.hubName maxLength",
            Op.CREATE,
            REQUEST,
            "51 characters",
            set("spec.hubName", "h" + "x".repeat(IoTHub.MAX_NAME_LENGTH))),
        refused(
            "FailoverRequest spec.confirmHubName maxLength",
            Op.CREATE,
            REQUEST,
            "a 100 kB confirmation, which would be copied into the hub's status",
            set("spec.confirmHubName", "y".repeat(100_000))),
        refused(
            "FailoverRequest spec.hubName pattern",
            Op.CREATE,
            REQUEST,
            "Contoso_Hub",
            set("spec.hubName", "Contoso_Hub")),
        refused(
            "FailoverRequest spec " + IMMUTABLE,
            Op.UPDATE,
            REQUEST,
            "hubName changed",
            set("spec.hubName", "fabrikam-hub")),
        refused(
            "FailoverRequest spec " + IMMUTABLE,
            Op.UPDATE,
            REQUEST,
            "confirmHubName changed",
            set("spec.confirmHubName", "fabrikam-hub")),
        refused(
            "FailoverRequest spec " + IMMUTABLE,
            Op.UPDATE,
            REQUEST,
            "both changed",
            o ->
                with(
                    with(o, "spec.hubName", "fabrikam-hub"),
                    "spec.confirmHubName",
                    "fabrikam-hub")),
        refused(
            "FailoverRequest status.phase enum",
            Op.STATUS,
            REQUEST,
            "Done",
            set("status.phase", "Done")),
        refused(
            "FailoverRequest status.type enum",
            Op.STATUS,
            REQUEST,
            "Failsideways",
            set("status.type", "Failsideways")),
        refused(
            "FailoverRequest status.step enum",
            Op.STATUS,
            REQUEST,
            "Resting",
            set("status.step", "Resting")),
        // Device
        refused("Device <root> required spec", Op.CREATE, DEVICE, "no spec", remove("spec")),
        refused(
            "Device spec required hubName",
            Op.CREATE,
            DEVICE,
            "no hubName",
            remove("spec.hubName")),
        refused(
            "Device spec.hubName maxLength",
            Op.CREATE,
            DEVICE,
            "51 characters",
            set("spec.hubName", "h" + "x".repeat(IoTHub.MAX_NAME_LENGTH))),
        refused(
            "Device spec.hubName pattern",
            Op.CREATE,
            DEVICE,
            "Contoso_Hub",
            set("spec.hubName", "Contoso_Hub")),
        refused(
            "Device spec.hubName " + IMMUTABLE,
            Op.UPDATE,
            DEVICE,
            "to fabrikam-hub",
            set("spec.hubName", "fabrikam-hub")),
        refused(
            "Device spec.deviceId pattern",
            Op.CREATE,
            DEVICE,
            "pump 42",
            set("spec.deviceId", "pump 42")),
        refused(
            "Device spec.deviceId maxLength",
            Op.CREATE,
            DEVICE,
            "129 characters",
            set("spec.deviceId", "d".repeat(129))),
        refused(
            "Device spec.deviceId pattern", Op.CREATE, DEVICE, "empty", set("spec.deviceId", "")),
        refused(
            "Device spec.deviceId rule " + DeviceSpec.NOT_RESERVED,
            Op.CREATE,
            DEVICE,
            "the operator's probe user",
            set("spec.deviceId", "iothub-probe")),
        refused(
            "Device spec.deviceId rule " + DeviceSpec.NOT_RESERVED,
            Op.CREATE,
            DEVICE,
            "the operator's backend user",
            set("spec.deviceId", "iothub-backend")),
        refused(
            "Device spec.deviceId " + IMMUTABLE,
            Op.UPDATE,
            DEVICE,
            "pump-42 to pump-43",
            set("spec.deviceId", "pump-43")),
        refused(
            DEVICE_ID_KEPT,
            Op.UPDATE,
            MINIMAL_DEVICE,
            "deviceId set after a create without one",
            set("spec.deviceId", "thermostat-2")),
        refused(DEVICE_ID_KEPT, Op.UPDATE, DEVICE, "deviceId removed", remove("spec.deviceId")),
        refused(
            "Device spec.keySecretName pattern",
            Op.CREATE,
            DEVICE,
            "Pump_Key",
            set("spec.keySecretName", "Pump_Key")),
        refused(
            "Device spec.keySecretName maxLength",
            Op.CREATE,
            DEVICE,
            "254 characters",
            set("spec.keySecretName", "k".repeat(254))),
        // DeviceImport
        refused("DeviceImport <root> required spec", Op.CREATE, IMPORT, "no spec", remove("spec")),
        refused(
            "DeviceImport spec required hubName",
            Op.CREATE,
            IMPORT,
            "no hubName",
            remove("spec.hubName")),
        refused(
            "DeviceImport spec required secretNames",
            Op.CREATE,
            IMPORT,
            "no secretNames",
            remove("spec.secretNames")),
        refused(
            "DeviceImport spec.hubName pattern",
            Op.CREATE,
            IMPORT,
            "Contoso_Hub",
            set("spec.hubName", "Contoso_Hub")),
        refused(
            "DeviceImport spec.hubName maxLength",
            Op.CREATE,
            IMPORT,
            "51 characters",
            set("spec.hubName", "h" + "x".repeat(IoTHub.MAX_NAME_LENGTH))),
        refused(
            "DeviceImport spec.secretNames minItems",
            Op.CREATE,
            IMPORT,
            "none",
            set("spec.secretNames", List.of())),
        refused(
            "DeviceImport spec.secretNames[0] maxLength",
            Op.CREATE,
            IMPORT,
            "a 254-character name",
            set("spec.secretNames", List.of("s".repeat(254)))),
        refused(
            "DeviceImport spec.secretNames maxItems",
            Op.CREATE,
            IMPORT,
            "257",
            set(
                "spec.secretNames",
                Stream.iterate(0, i -> i + 1).limit(257).map(i -> "part-" + i).toList())),
        refused(
            "DeviceImport spec " + IMMUTABLE,
            Op.UPDATE,
            IMPORT,
            "another Secret",
            set("spec.secretNames", List.of("fleet-2025"))),
        refused(
            "DeviceImport status.phase enum",
            Op.STATUS,
            IMPORT,
            "Done",
            set("status.phase", "Done")));
  }

  static Stream<Case> acceptances() {
    return Stream.of(
        accepted(Op.CREATE, HUB, "as it is", o -> o),
        accepted(Op.CREATE, FULL_HUB, "as it is", o -> o),
        accepted(Op.CREATE, HUB, "named a", set("metadata.name", "a")),
        accepted(Op.CREATE, HUB, "named h0-0-0", set("metadata.name", "h0-0-0")),
        accepted(Op.CREATE, HUB, "named with 50 characters", set("metadata.name", "h".repeat(50))),
        accepted(Op.CREATE, HUB, "in eastus", set("spec.location", "eastus")),
        accepted(Op.CREATE, HUB, "in xy", set("spec.location", "xy")),
        accepted(Op.CREATE, HUB, "in a 40-character region", set("spec.location", "a".repeat(40))),
        accepted(Op.CREATE, HUB, "1 replica", set("spec.broker.replicas", 1)),
        accepted(Op.CREATE, HUB, "10 replicas", set("spec.broker.replicas", 10)),
        accepted(Op.CREATE, HUB, "1 shard", set("spec.registry.shards", 1)),
        accepted(Op.CREATE, HUB, "256 shards", set("spec.registry.shards", 256)),
        accepted(Op.UPDATE, FULL_HUB, "3 replicas", set("spec.broker.replicas", 3)),
        accepted(Op.UPDATE, FULL_HUB, "another image", set("spec.broker.image", "mosquitto:2")),
        accepted(Op.UPDATE, FULL_HUB, "the same shards", set("spec.registry.shards", 64)),
        accepted(Op.STATUS, HUB, "the operator's status", o -> withStatusOf(o, "iothub-status")),
        accepted(
            Op.CREATE,
            REQUEST,
            "with a mismatched confirmation (the operator's check)",
            set("spec.confirmHubName", "other-hub")),
        accepted(Op.UPDATE, REQUEST, "a label added", set("metadata.labels.team", "ops")),
        accepted(Op.STATUS, REQUEST, "phase Succeeded", set("status.phase", "Succeeded")),
        accepted(Op.CREATE, DEVICE, "as it is", o -> o),
        accepted(Op.CREATE, DEVICE, "128-character id", set("spec.deviceId", "d".repeat(128))),
        accepted(
            Op.CREATE,
            DEVICE,
            "253-character key Secret name",
            set("spec.keySecretName", "k".repeat(253))),
        accepted(
            Op.CREATE,
            HUB,
            "a 512-character image",
            set("spec.broker.image", "registry.example.com/" + "m".repeat(489) + ":2")),
        accepted(
            Op.CREATE,
            IMPORT,
            "a 253-character Secret name",
            set("spec.secretNames", List.of("s".repeat(253)))),
        accepted(
            Op.CREATE,
            DEVICE,
            "id of every allowed sign",
            set("spec.deviceId", "A-z.0%_*?!(),=@$'")),
        accepted(Op.UPDATE, DEVICE, "enabled", set("spec.enabled", true)),
        accepted(Op.UPDATE, MINIMAL_DEVICE, "disabled", set("spec.enabled", false)),
        accepted(Op.UPDATE, DEVICE, "another key Secret", set("spec.keySecretName", "pump-key-2")),
        accepted(Op.CREATE, IMPORT, "as it is", o -> o),
        accepted(Op.STATUS, IMPORT, "phase Succeeded", set("status.phase", "Succeeded")),
        accepted(
            Op.CREATE,
            IMPORT,
            "256 Secrets",
            set(
                "spec.secretNames",
                Stream.iterate(0, i -> i + 1).limit(256).map(i -> "part-" + i).toList())));
  }

  @Test
  void everyConstraintOfTheCrdsHasACase() {
    Set<String> all = new TreeSet<>(constraints().keySet());
    Set<String> covered =
        refusals().map(Case::constraint).collect(Collectors.toCollection(TreeSet::new));

    assertThat(all).as("constraints read from crds/").hasSizeGreaterThan(40);
    assertThat(covered).as("cases of constraints that crds/ does not have").isSubsetOf(all);
    assertThat(all).as("constraints without a case in refusals()").isSubsetOf(covered);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void theServerRefusesEachBadObjectWithTheConstraintsMessage(Case c) {
    Constraint constraint = constraints().get(c.constraint());
    assertThat(constraint).as("%s is a constraint of crds/", c.constraint()).isNotNull();

    KubernetesClientException refusal =
        catchThrowableOfType(KubernetesClientException.class, () -> send(c));

    assertThat(refusal).as(c + " is refused").isNotNull();
    assertThat(refusal.getCode()).as(refusal.getMessage()).isEqualTo(422);
    assertThat(refusal.getStatus().getMessage()).contains(constraint.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptances")
  void theServerAcceptsEachGoodObject(Case c) {
    assertThat(send(c)).as(c.toString()).isNotNull();
  }

  // --------------------------------------------------------------- defaults, fields, status

  @Test
  void theCrdDefaultsAreTheOperatorsDefaults() {
    GenericKubernetesResource stored =
        send(
            accepted(
                Op.CREATE,
                HUB,
                "empty broker and registry",
                o -> with(with(o, "spec.broker", Map.of()), "spec.registry", Map.of())));
    JsonNode spec = tree(stored).get("spec");
    assertThat(spec.at("/broker/replicas").asInt()).isEqualTo(BrokerSpec.DEFAULT_REPLICAS);
    assertThat(spec.at("/registry/shards").asInt()).isEqualTo(RegistrySpec.DEFAULT_SHARDS);

    JsonNode minimal = tree(send(accepted(Op.CREATE, HUB, "no registry", o -> o))).get("spec");
    assertThat(minimal.at("/registry/shards").asInt()).isEqualTo(RegistrySpec.DEFAULT_SHARDS);
    JsonNode device = tree(send(accepted(Op.CREATE, DEVICE, "", remove("spec.enabled"))));
    assertThat(device.at("/spec/enabled").asBoolean(false)).isTrue();
  }

  @Test
  void aMisspelledFieldIsRefusedByKubectlApplyAndDroppedByAClientThatDoesNotAsk() {
    ObjectNode typo = with(fixture(HUB), "spec.broker.replica", 3);

    Helm.Result applied =
        cluster.kubectlResult("apply", "--dry-run=server", "-f", write(yaml(typo)));
    assertThat(applied.ok()).as(applied.describe()).isFalse();
    assertThat(applied.stderr()).contains("unknown field \"spec.broker.replica\"");

    JsonNode created = tree(api(typo).resource(generic(typo)).dryRun().create());
    assertThat(created.at("/spec/broker")).hasToString("{\"replicas\":1}");
  }

  @Test
  void aCreateCannotSetTheStatus() {
    GenericKubernetesResource created =
        send(accepted(Op.CREATE, HUB, "with a status", set("status.state", "Sleeping")));
    assertThat(tree(created).has("status")).isFalse();
  }

  @Test
  void aStatusUpdateCannotChangeTheSpec() {
    GenericKubernetesResource updated =
        send(
            accepted(
                Op.STATUS,
                HUB,
                "and the location",
                o -> with(withStatusOf(o, "iothub-status"), "spec.location", "eastus")));
    assertThat(tree(updated).at("/spec/location").asText()).isEqualTo("westus2");
    assertThat(tree(updated).at("/status/state").asText()).isEqualTo("Active");
  }

  /**
   * The API classes against the served schema: a status with every field set, as the operator
   * writes it, comes back whole (a field missing from the schema would be pruned silently).
   */
  @Test
  void everyStatusFieldOfTheApiClassesIsKept() {
    assertStatusKept(HUB, tree(Samples.filled(IoTHubStatus.class)));
    assertStatusKept(REQUEST, tree(Samples.filled(FailoverRequestStatus.class)));
    assertStatusKept(DEVICE, tree(Samples.filled(DeviceStatus.class)));
    assertStatusKept(IMPORT, tree(Samples.filled(DeviceImportStatus.class)));
  }

  private static void assertStatusKept(String fixture, JsonNode status) {
    GenericKubernetesResource written =
        send(accepted(Op.STATUS, fixture, "every field", set("status", status)));
    assertThat(tree(written).get("status")).isEqualTo(status);
  }

  @Test
  void objectsBuiltWithTheApiClassesAreAccepted() {
    IoTHub hub = new IoTHub();
    hub.getMetadata().setName("contoso-hub");
    hub.getMetadata().setNamespace(namespace("IoTHub"));
    hub.setSpec(new IoTHubSpec());
    hub.getSpec().setLocation("westus2");
    hub.getSpec().setBroker(new BrokerSpec());
    hub.getSpec().getBroker().setReplicas(2);
    assertThat(cluster.admin().resource(hub).dryRun().create()).isNotNull();

    FailoverRequest request = new FailoverRequest();
    request.getMetadata().setName("contoso-hub-failover-2");
    request.getMetadata().setNamespace(namespace("FailoverRequest"));
    request.setSpec(new FailoverRequestSpec());
    request.getSpec().setHubName("contoso-hub");
    request.getSpec().setConfirmHubName("contoso-hub");
    assertThat(cluster.admin().resource(request).dryRun().create()).isNotNull();

    hub.getSpec().setLocation("West US 2");
    assertThat(
            catchThrowableOfType(
                KubernetesClientException.class,
                () -> cluster.admin().resource(hub).dryRun().create()))
        .isNotNull();
  }

  // ---------------------------------------------------------------------------- examples/

  static List<Path> exampleFiles() {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> documents(Path file) {
    try {
      List<JsonNode> docs = new ArrayList<>();
      try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
        while (it.hasNextValue()) {
          JsonNode doc = it.nextValue();
          if (doc != null && doc.isObject()) {
            docs.add(doc);
          }
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theExamplesShowTheKindsOfTheApi() {
    List<JsonNode> docs = exampleFiles().stream().flatMap(f -> documents(f).stream()).toList();
    assertThat(docs).isNotEmpty();
    assertThat(docs)
        .filteredOn(d -> d.path("apiVersion").asText().equals(API_VERSION))
        .extracting(d -> d.path("kind").asText())
        .contains("IoTHub", "FailoverRequest", "Device");
  }

  /**
   * {@code kubectl apply --dry-run=server} of every file, its objects moved to this test's
   * namespace: the examples' own namespaces are the tutorial's (TutorialKubeIT applies them for
   * real on the same cluster), so nothing here may create or delete them. kubectl validates fields
   * strictly: an unknown field fails the file.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleFiles")
  void everyExampleIsAccepted(Path file) {
    List<JsonNode> docs = documents(file);
    StringBuilder moved = new StringBuilder();
    for (JsonNode doc : docs) {
      JsonNode object = doc;
      if (doc.at("/metadata/namespace").isTextual()) {
        object = with((ObjectNode) doc, "metadata.namespace", EXAMPLES_NAMESPACE);
      }
      moved.append("---\n").append(yaml(object));
    }
    Helm.Result applied =
        cluster.kubectlResult("apply", "--dry-run=server", "-f", write(moved.toString()));

    assertThat(applied.ok()).as(file + ": " + applied.describe()).isTrue();
    for (JsonNode doc : docs) {
      String kind = doc.get("kind").asText().toLowerCase(Locale.ROOT);
      String group = doc.get("apiVersion").asText().contains("/") ? "." + API_GROUP : "";
      String ref = kind + group + "/" + doc.at("/metadata/name").asText();
      // A Namespace may exist already (the tutorial's, on the same cluster).
      assertThat(applied.stdout())
          .as(file.toString())
          .containsPattern(
              java.util.regex.Pattern.quote(ref)
                  + " (created|configured|unchanged) \\(server dry run\\)");
    }
  }

  // ------------------------------------------------------------------------------- helpers

  static GenericKubernetesResource send(Case c) {
    ObjectNode base = fixture(c.fixture());
    var resources = api(base);
    if (c.op() == Op.CREATE) {
      ObjectNode object = c.change().apply(base);
      return resources.resource(generic(object)).dryRun().create();
    }
    String name = stored(base).at("/metadata/name").asText();
    ObjectNode changed = c.change().apply(tree(resources.withName(name).get()));
    Resource<GenericKubernetesResource> resource = resources.resource(generic(changed));
    return c.op() == Op.UPDATE ? resource.dryRun().update() : resource.dryRun().updateStatus();
  }

  static NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      api(ObjectNode object) {
    String kind = object.get("kind").asText();
    return cluster
        .admin()
        .genericKubernetesResources(API_VERSION, kind)
        .inNamespace(namespace(kind));
  }

  /** A fixture of src/test/resources/fixtures/admission, in its kind's namespace. */
  static ObjectNode fixture(String name) {
    String resource = "fixtures/admission/" + name + ".yaml";
    try (InputStream in = CrdAdmissionKubeIT.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      ObjectNode object = (ObjectNode) YAML.readTree(in);
      return with(object, "metadata.namespace", namespace(object.get("kind").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The old object of updates: the fixture under another name, so that dry-run creates of the
   * fixture do not meet it.
   */
  static ObjectNode stored(ObjectNode fixture) {
    return with(fixture, "metadata.name", fixture.at("/metadata/name").asText() + "-old");
  }

  static ObjectNode withStatusOf(ObjectNode object, String fixture) {
    return with(object, "status", fixture(fixture).get("status"));
  }

  /**
   * A copy with {@code value} at a path of {@link #constraints()}: dotted, where {@code name[0]} is
   * the first element of a list (created, as an empty object, when the list has none).
   */
  static ObjectNode withAt(ObjectNode object, String path, String value) {
    ObjectNode copy = object.deepCopy();
    String[] parts = path.split("\\.");
    ObjectNode parent = copy;
    for (int i = 0; i < parts.length - 1; i++) {
      String part = parts[i];
      if (part.endsWith("[0]")) {
        String name = part.substring(0, part.length() - "[0]".length());
        JsonNode list = parent.get(name);
        parent =
            list != null && list.isArray() && !list.isEmpty()
                ? (ObjectNode) list.get(0)
                : parent.putArray(name).addObject();
      } else {
        JsonNode child = parent.get(part);
        parent = child != null && child.isObject() ? (ObjectNode) child : parent.putObject(part);
      }
    }
    parent.put(parts[parts.length - 1], value);
    return copy;
  }

  /** A copy with {@code value} at the dotted {@code path} (objects on the way are created). */
  static ObjectNode with(ObjectNode object, String path, Object value) {
    ObjectNode copy = object.deepCopy();
    String[] parts = path.split("\\.");
    ObjectNode parent = copy;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = parent.get(parts[i]);
      if (child == null || !child.isObject()) {
        if (value == null) {
          return copy;
        }
        child = parent.putObject(parts[i]);
      }
      parent = (ObjectNode) child;
    }
    String last = parts[parts.length - 1];
    if (value == null) {
      parent.remove(last);
    } else {
      parent.set(last, JSON.valueToTree(value));
    }
    return copy;
  }

  static GenericKubernetesResource generic(ObjectNode object) {
    return cluster
        .admin()
        .getKubernetesSerialization()
        .convertValue(object, GenericKubernetesResource.class);
  }

  /** An object as a JSON tree, numbers as they read from JSON. */
  static ObjectNode tree(Object object) {
    try {
      return (ObjectNode)
          JSON.readTree(cluster.admin().getKubernetesSerialization().asJson(object));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String yaml(JsonNode object) {
    try {
      return YAML.writeValueAsString(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String write(String yaml) {
    try {
      Files.createDirectories(RealCluster.WORK);
      Path file = Files.createTempFile(RealCluster.WORK, "admission-", ".yaml");
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String join(String path, String child) {
    return path.isEmpty() ? child : path + "." + child;
  }

  static Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list.stream();
  }

  static List<String> iterable(Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
