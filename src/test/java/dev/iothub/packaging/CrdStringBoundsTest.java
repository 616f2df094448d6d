package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every string of our custom resources is bounded in the CRD, a maxLength or an enum: in the spec,
 * the API server refuses oversized text before the operator reads it; in the status, the bound is
 * what the operator's writers keep to (Messages cuts messages), so a write is never refused.
 */
class CrdStringBoundsTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Strings bounded another way, with the reason. */
  static final Map<String, String> EXEMPT =
      Map.of(
          "IoTHub .spec.broker.resources.claims[].name",
          "claims are refused by the rule !has(self.claims)",
          "IoTHub .spec.broker.resources.claims[].request",
          "claims are refused by the rule !has(self.claims)",
          "IoTHub .status.processedRequests{}",
          "a day's space-separated 12-digit hashes, at most ProcessedRequests.MAX_NAMES in all (the"
              + " status budget counts them)");

  @Test
  void everyStringHasAMaxLengthOrAnEnum() throws IOException {
    List<String> unbounded = new ArrayList<>();
    List<String> bounded = new ArrayList<>();
    try (Stream<Path> files = Files.list(Project.path("crds"))) {
      for (Path file : files.sorted().toList()) {
        JsonNode crd = YAML.readTree(file.toFile());
        String kind = crd.at("/spec/names/kind").asText();
        for (JsonNode version : crd.at("/spec/versions")) {
          walk(kind + " ", version.at("/schema/openAPIV3Schema"), unbounded, bounded);
        }
      }
    }
    unbounded.removeAll(EXEMPT.keySet());
    assertThat(unbounded).as("strings without maxLength or enum").isEmpty();
    // The walk reaches what it should: spec and status of the four kinds, list items among them.
    assertThat(bounded)
        .contains(
            "IoTHub .spec.location",
            "IoTHub .spec.broker.image",
            "FailoverRequest .spec.hubName",
            "Device .spec.keySecretName",
            "DeviceImport .spec.secretNames[]",
            "IoTHub .status.history[].message",
            "IoTHub .status.conditions[].message",
            "Device .status.conditions[].reason");
  }

  private static void walk(String path, JsonNode schema, List<String> unbounded, List<String> ok) {
    if ("string".equals(schema.path("type").asText())) {
      (schema.has("maxLength") || schema.has("enum") ? ok : unbounded).add(path);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      walk(path + "." + p.getKey(), p.getValue(), unbounded, ok);
    }
    if (schema.has("items")) {
      walk(path + "[]", schema.get("items"), unbounded, ok);
    }
    JsonNode values = schema.path("additionalProperties");
    if (values.isObject()) {
      // Quantities (int-or-string) of resources: the API server checks them in the Deployment.
      if (!values.path("x-kubernetes-int-or-string").asBoolean()) {
        walk(path + "{}", values, unbounded, ok);
      }
    }
  }
}
