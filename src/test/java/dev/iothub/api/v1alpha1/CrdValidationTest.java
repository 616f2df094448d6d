package dev.iothub.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.testing.CrdAdmission;
import dev.iothub.testing.CrdAdmission.FieldValidation;
import dev.iothub.testing.Yaml;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the API server admits of the committed CRDs (crds/*.yml): their OpenAPI schemas and CEL
 * rules, evaluated by the same libraries' semantics as kube-apiserver through {@link CrdAdmission}.
 */
class CrdValidationTest {
  static final CrdAdmission HUBS = CrdAdmission.load("iothubs.iothub.dev");
  static final CrdAdmission REQUESTS = CrdAdmission.load("failoverrequests.iothub.dev");

  static final String LOCATION_PATTERN = "^[a-z][a-z0-9]{1,39}$";
  static final String LOCATION_IMMUTABLE =
      "spec.location: Invalid value: \"string\": location is immutable: a hub stays paired with"
          + " the region it was created in; use a FailoverRequest to move it, or create a new hub";
  static final String SHARDS_IMMUTABLE =
      "spec.registry.shards: Invalid value: \"integer\": registry.shards is immutable: device"
          + " records are placed by it";
  static final String NAME_TOO_LONG =
      "<nil>: Invalid value: \"object\": an IoTHub name must be at most 50 characters long";
  static final String REQUEST_IMMUTABLE =
      "spec: Invalid value: \"object\": a FailoverRequest is immutable: create a new request"
          + " instead";

  static ObjectNode hub() {
    return Yaml.resource("fixtures/admission/iothub-minimal.yaml");
  }

  static ObjectNode fullHub() {
    return Yaml.resource("fixtures/admission/iothub-full.yaml");
  }

  static ObjectNode request() {
    return Yaml.resource("fixtures/admission/failoverrequest.yaml");
  }

  @Nested
  class IoTHubCreate {
    @Test
    void validHubsAreAccepted() {
      assertThat(HUBS.create(hub())).isEmpty();
      assertThat(HUBS.create(fullHub())).isEmpty();
    }

    @Test
    void aHubBuiltWithTheApiClassesIsAccepted() {
      IoTHub hub = new IoTHub();
      hub.getMetadata().setName("contoso-hub");
      hub.getMetadata().setNamespace("manlfailrg");
      IoTHubSpec spec = new IoTHubSpec();
      spec.setLocation("westus2");
      BrokerSpec broker = new BrokerSpec();
      broker.setReplicas(2);
      spec.setBroker(broker);
      hub.setSpec(spec);

      assertThat(HUBS.create(hub)).isEmpty();
      spec.setLocation("West US 2");
      assertThat(HUBS.create(hub)).hasSize(1);
    }

    @Test
    void aHubWithoutSpecIsRefused() {
      assertThat(HUBS.create(Yaml.without(hub(), "spec")))
          .containsExactly("spec: Required value", CrdAdmission.RULES_NOT_CHECKED);
    }

    @Test
    void aHubWithoutLocationIsRefused() {
      assertThat(HUBS.create(Yaml.without(hub(), "spec.location")))
          .containsExactly("spec.location: Required value", CrdAdmission.RULES_NOT_CHECKED);
      assertThat(HUBS.create(Yaml.without(fullHub(), "spec.location")))
          .first()
          .isEqualTo("spec.location: Required value");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "West US 2",
          "WESTUS2",
          "west-us-2",
          "2westus",
          "w",
          "",
          "westus2 ",
          "abcdefghijabcdefghijabcdefghijabcdefghijk"
        })
    void aLocationThatIsNotARegionIdIsRefused(String location) {
      assertThat(HUBS.create(Yaml.with(hub(), "spec.location", location)))
          .containsExactly(
              "spec.location: Invalid value: \""
                  + location
                  + "\": spec.location in body should match '"
                  + LOCATION_PATTERN
                  + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"westus2", "eastus", "xy", "abcdefghijabcdefghijabcdefghijabcdefghij"})
    void aLocationShapedLikeARegionIdIsAccepted(String location) {
      // Whether the region exists is the operator's check (status reason UnknownLocation).
      assertThat(HUBS.create(Yaml.with(hub(), "spec.location", location))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void tooFewReplicasAreRefused(int replicas) {
      assertThat(HUBS.create(Yaml.with(hub(), "spec.broker.replicas", replicas)))
          .containsExactly(
              "spec.broker.replicas: Invalid value: "
                  + replicas
                  + ": spec.broker.replicas in body should be greater than or equal to 1");
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 100})
    void tooManyReplicasAreRefused(int replicas) {
      assertThat(HUBS.create(Yaml.with(hub(), "spec.broker.replicas", replicas)))
          .containsExactly(
              "spec.broker.replicas: Invalid value: "
                  + replicas
                  + ": spec.broker.replicas in body should be less than or equal to 10");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10})
    void replicasFromOneToTenAreAccepted(int replicas) {
      assertThat(HUBS.create(Yaml.with(hub(), "spec.broker.replicas", replicas))).isEmpty();
    }

    @Test
    void replicasMustBeANumber() {
      assertThat(HUBS.create(Yaml.with(hub(), "spec.broker.replicas", "2")))
          .containsExactly(
              "spec.broker.replicas: Invalid value: \"string\": spec.broker.replicas in body must"
                  + " be of type integer: \"string\"",
              CrdAdmission.RULES_NOT_CHECKED);
    }

    @Test
    void anImageWithSpacesIsRefused() {
      assertThat(HUBS.create(Yaml.with(hub(), "spec.broker.image", "eclipse mosquitto")))
          .containsExactly(
              "spec.broker.image: Invalid value: \"eclipse mosquitto\": spec.broker.image in body"
                  + " should match '^\\S+$'");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 257})
    void shardsOutsideOneTo256AreRefused(int shards) {
      assertThat(HUBS.create(Yaml.with(hub(), "spec.registry.shards", shards)))
          .singleElement()
          .asString()
          .startsWith("spec.registry.shards: Invalid value: " + shards + ": ");
    }

    @Test
    void theCrdDefaultsAreTheOperatorsDefaults() {
      ObjectNode hub =
          Yaml.with(
              Yaml.with(hub(), "spec.broker", java.util.Map.of()),
              "spec.registry",
              java.util.Map.of());
      ObjectNode stored = HUBS.defaulted(hub);

      assertThat(Yaml.at(stored, "spec.broker.replicas").intValue())
          .isEqualTo(BrokerSpec.DEFAULT_REPLICAS);
      assertThat(Yaml.at(stored, "spec.registry.shards").intValue())
          .isEqualTo(RegistrySpec.DEFAULT_SHARDS);
      assertThat(HUBS.create(hub)).isEmpty();
    }

    @Test
    void aNameOfMoreThan50CharactersIsRefusedByTheRuleOnMetadataName() {
      String name51 = "h".repeat(51);
      assertThat(HUBS.create(Yaml.with(hub(), "metadata.name", name51)))
          .containsExactly(NAME_TOO_LONG);
      assertThat(HUBS.create(Yaml.with(hub(), "metadata.name", "h".repeat(50)))).isEmpty();
    }

    @Test
    void aNameThatIsNotADnsSubdomainIsRefused() {
      assertThat(HUBS.create(Yaml.with(hub(), "metadata.name", "Contoso_Hub")))
          .anySatisfy(
              e ->
                  assertThat(e)
                      .startsWith(
                          "metadata.name: Invalid value: \"Contoso_Hub\": a lowercase RFC 1123"
                              + " subdomain"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"contoso.hub", "1hub", "hub.v2.prod", "hub-"})
    void aNameThatIsNotADnsLabelIsRefusedSinceItNamesAService(String name) {
      assertThat(HUBS.create(Yaml.with(hub(), "metadata.name", name)))
          .contains(
              "<nil>: Invalid value: \"object\": an IoTHub name must be a DNS label that starts"
                  + " with a letter (lowercase letters, digits and '-'): it names the hub's"
                  + " Service and host name");
    }

    @Test
    void aMisspelledFieldIsRefusedByKubectlApplyAndDroppedOtherwise() {
      ObjectNode typo = Yaml.with(hub(), "spec.broker.replica", 3);

      assertThat(HUBS.create(typo)).containsExactly("unknown field \"spec.broker.replica\"");
      assertThat(HUBS.withFieldValidation(FieldValidation.WARN).create(typo)).isEmpty();
      assertThat(HUBS.withFieldValidation(FieldValidation.WARN).defaulted(typo).at("/spec/broker"))
          .hasToString("{\"replicas\":1}");
    }

    @Test
    void theStatusOfACreateIsIgnored() {
      // The status subresource: a create cannot set the status, so it is not validated either.
      assertThat(HUBS.create(Yaml.with(hub(), "status.state", "Sleeping"))).isEmpty();
      assertThat(HUBS.defaulted(Yaml.with(hub(), "status.state", "Active")).has("status"))
          .isFalse();
    }
  }

  @Nested
  class IoTHubUpdate {
    @Test
    void changingTheLocationIsRefused() {
      assertThat(HUBS.update(hub(), Yaml.with(hub(), "spec.location", "westcentralus")))
          .containsExactly(LOCATION_IMMUTABLE);
    }

    @Test
    void changingTheBrokerIsAccepted() {
      ObjectNode before = Yaml.with(hub(), "spec.broker.replicas", 1);
      assertThat(HUBS.update(before, Yaml.with(before, "spec.broker.replicas", 3))).isEmpty();
      assertThat(HUBS.update(before, Yaml.with(before, "spec.broker.image", "mosquitto:2")))
          .isEmpty();
    }

    @Test
    void changingTheShardsIsRefused() {
      ObjectNode before = Yaml.with(hub(), "spec.registry.shards", 32);
      assertThat(HUBS.update(before, Yaml.with(before, "spec.registry.shards", 64)))
          .containsExactly(SHARDS_IMMUTABLE);
      assertThat(HUBS.update(before, Yaml.with(before, "spec.registry.shards", 32))).isEmpty();
    }

    @Test
    void changingTheDefaultedShardsIsRefused() {
      // Stored objects carry their defaults: registry {} was stored as shards 32.
      ObjectNode before = Yaml.with(hub(), "spec.registry", java.util.Map.of());
      assertThat(HUBS.update(before, Yaml.with(before, "spec.registry.shards", 8)))
          .containsExactly(SHARDS_IMMUTABLE);
    }

    @Test
    void settingShardsAfterACreateWithoutThemIsRefused() {
      // Created without spec.registry, the hub's records were placed by the default 32 shards.
      assertThat(HUBS.update(hub(), Yaml.with(hub(), "spec.registry.shards", 8)))
          .containsExactly(SHARDS_IMMUTABLE);
    }

    @Test
    void removingTheRegistrySettingsDoesNotChangeTheShards() {
      ObjectNode before = Yaml.with(hub(), "spec.registry.shards", 64);
      ObjectNode removed = Yaml.without(before, "spec.registry");
      assertThat(HUBS.update(before, removed)).containsExactly(SHARDS_IMMUTABLE);
    }

    @Test
    void changingLocationAndShardsReportsBoth() {
      ObjectNode before = fullHub();
      ObjectNode after =
          Yaml.with(Yaml.with(before, "spec.location", "westus"), "spec.registry.shards", 1);
      assertThat(HUBS.update(before, after))
          .containsExactlyInAnyOrder(LOCATION_IMMUTABLE, SHARDS_IMMUTABLE);
    }

    @Test
    void theOperatorsStatusIsAccepted() {
      ObjectNode reported = Yaml.resource("fixtures/admission/iothub-status.yaml");
      assertThat(HUBS.updateStatus(hub(), reported)).isEmpty();
    }

    @Test
    void aStatusOutsideTheSchemaIsRefused() {
      ObjectNode reported = Yaml.resource("fixtures/admission/iothub-status.yaml");
      assertThat(HUBS.updateStatus(hub(), Yaml.with(reported, "status.state", "Sleeping")))
          .first()
          .isEqualTo(
              "status.state: Unsupported value: \"Sleeping\": supported values: \"Active\","
                  + " \"Failed\", \"FailingBack\", \"FailingOver\", \"Provisioning\"");
    }

    @Test
    void aStatusUpdateCannotChangeTheSpec() {
      // The status subresource takes only the status: a changed location is ignored, not refused.
      ObjectNode reported = Yaml.resource("fixtures/admission/iothub-status.yaml");
      assertThat(HUBS.updateStatus(hub(), Yaml.with(reported, "spec.location", "eastus")))
          .isEmpty();
    }
  }

  /**
   * The API classes against the committed schema: a status with every field set, as the operator
   * would write it, loses nothing to pruning (an unknown field here is a field that a real API
   * server silently drops from the operator's status writes).
   */
  @Nested
  class ApiClassesAgainstTheSchema {
    @Test
    void everyHubStatusFieldIsInTheSchema() {
      IoTHub hub = new IoTHub();
      hub.getMetadata().setName("contoso-hub");
      hub.getMetadata().setNamespace("manlfailrg");
      hub.setSpec(new IoTHubSpec());
      hub.getSpec().setLocation("westus2");
      hub.setStatus(Samples.filled(IoTHubStatus.class));

      assertThat(HUBS.updateStatus(hub(), hub)).isEmpty();
    }

    @Test
    void everyRequestStatusFieldIsInTheSchema() {
      FailoverRequest request = new FailoverRequest();
      request.getMetadata().setName("contoso-hub-failover-1");
      request.getMetadata().setNamespace("manlfailrg");
      request.setSpec(new FailoverRequestSpec());
      request.getSpec().setHubName("contoso-hub");
      request.getSpec().setConfirmHubName("contoso-hub");
      request.setStatus(Samples.filled(FailoverRequestStatus.class));

      assertThat(REQUESTS.updateStatus(request(), request)).isEmpty();
    }

    @Test
    void anUnknownStatusFieldWouldBeFound() {
      ObjectNode reported = Yaml.resource("fixtures/admission/iothub-status.yaml");
      assertThat(HUBS.updateStatus(hub(), Yaml.with(reported, "status.quota.spare", 1)))
          .containsExactly("unknown field \"status.quota.spare\"");
    }
  }

  @Nested
  class FailoverRequestAdmission {
    @Test
    void aValidRequestIsAccepted() {
      assertThat(REQUESTS.create(request())).isEmpty();
    }

    @Test
    void aRequestWithoutConfirmationIsRefused() {
      assertThat(REQUESTS.create(Yaml.without(request(), "spec.confirmHubName")))
          .containsExactly("spec.confirmHubName: Required value", CrdAdmission.RULES_NOT_CHECKED);
    }

    @Test
    void aRequestWithoutHubNameOrSpecIsRefused() {
      assertThat(REQUESTS.create(Yaml.without(request(), "spec.hubName")))
          .first()
          .isEqualTo("spec.hubName: Required value");
      assertThat(REQUESTS.create(Yaml.without(request(), "spec")))
          .first()
          .isEqualTo("spec: Required value");
    }

    @Test
    void aHubNameThatCannotNameAHubIsRefused() {
      assertThat(REQUESTS.create(Yaml.with(request(), "spec.hubName", "Contoso_Hub")))
          .singleElement()
          .asString()
          .startsWith(
              "spec.hubName: Invalid value: \"Contoso_Hub\": spec.hubName in body should match");
    }

    @Test
    void aMismatchedConfirmationIsLeftToTheOperator() {
      // The typed confirmation is checked by the operator (reason ConfirmationMismatch).
      assertThat(REQUESTS.create(Yaml.with(request(), "spec.confirmHubName", "other-hub")))
          .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"spec.hubName", "spec.confirmHubName"})
    void anyChangeToTheSpecIsRefused(String field) {
      assertThat(REQUESTS.update(request(), Yaml.with(request(), field, "fabrikam-hub")))
          .containsExactly(REQUEST_IMMUTABLE);
    }

    @Test
    void changingBothFieldsIsRefused() {
      ObjectNode other =
          Yaml.with(
              Yaml.with(request(), "spec.hubName", "fabrikam-hub"),
              "spec.confirmHubName",
              "fabrikam-hub");
      assertThat(REQUESTS.update(request(), other)).containsExactly(REQUEST_IMMUTABLE);
    }

    @Test
    void labelsAndStatusMayChange() {
      assertThat(REQUESTS.update(request(), Yaml.with(request(), "metadata.labels.team", "ops")))
          .isEmpty();
      assertThat(
              REQUESTS.updateStatus(
                  request(), Yaml.with(request(), "status.phase", RequestPhase.Succeeded.name())))
          .isEmpty();
    }
  }
}
