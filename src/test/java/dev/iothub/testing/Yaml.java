package dev.iothub.testing;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Kubernetes objects as JSON trees for {@link CrdAdmission}: read from YAML (text, classpath
 * fixtures, multi-document files) or converted from the API classes, and edited by dotted path.
 */
public final class Yaml {
  static final YAMLMapper YAML = new YAMLMapper();
  static final JsonMapper JSON = new JsonMapper();
  private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();

  private Yaml() {}

  /** One YAML (or JSON) document. */
  public static ObjectNode parse(String yaml) {
    JsonNode node = YAML.readTree(yaml);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a YAML mapping: " + yaml);
    }
    return (ObjectNode) node;
  }

  /**
   * A single-document YAML file on the test classpath, such as {@code fixtures/admission/x.yaml}.
   */
  public static ObjectNode resource(String name) {
    try (InputStream in = Yaml.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException(name + " is not on the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every non-empty document of a (multi-document) YAML file. */
  public static List<JsonNode> documents(Path file) {
    try {
      String text = Files.readString(file);
      List<JsonNode> docs = new ArrayList<>();
      try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(text)) {
        while (it.hasNextValue()) {
          JsonNode doc = it.nextValue();
          if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
            docs.add(doc);
          }
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A JSON tree of an object: a {@link JsonNode} (copied), YAML or JSON text, a {@link Map}, or an
   * API object (serialized as the Kubernetes client would send it).
   */
  public static ObjectNode tree(Object object) {
    JsonNode node;
    if (object instanceof JsonNode n) {
      node = n.deepCopy();
    } else if (object instanceof String text) {
      node = parse(text);
    } else if (object instanceof Map<?, ?> map) {
      node = JSON.valueToTree(map);
    } else if (object instanceof KubernetesResource resource) {
      node = JSON.readTree(FABRIC8.asJson(resource));
    } else {
      throw new IllegalArgumentException("cannot read " + object.getClass().getName());
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("not an object: " + node);
    }
    return (ObjectNode) node;
  }

  /**
   * A copy of {@code object} with {@code value} at {@code path} ({@code spec.broker.replicas};
   * missing objects on the way are created); a null value removes the field.
   */
  public static ObjectNode with(JsonNode object, String path, Object value) {
    ObjectNode copy = (ObjectNode) object.deepCopy();
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
      parent.set(last, value instanceof JsonNode n ? n.deepCopy() : JSON.valueToTree(value));
    }
    return copy;
  }

  /** A copy of {@code object} without the field at {@code path}. */
  public static ObjectNode without(JsonNode object, String path) {
    return with(object, path, null);
  }

  /** The node at a dotted path, or null. */
  public static JsonNode at(JsonNode object, String path) {
    JsonNode node = object;
    for (String part : path.split("\\.")) {
      node =
          node == null
              ? null
              : node instanceof ArrayNode a ? a.get(Integer.parseInt(part)) : node.get(part);
    }
    return node;
  }
}
