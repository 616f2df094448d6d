package dev.iothub.packaging;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Kubernetes objects parsed from multi-document YAML (helm template output, deploy/ files). */
final class Manifests {
  static final YAMLMapper YAML = new YAMLMapper();

  private final List<Map<String, Object>> objects;

  private Manifests(List<Map<String, Object>> objects) {
    this.objects = objects;
  }

  static Manifests parse(String yaml) {
    List<Map<String, Object>> result = new ArrayList<>();
    try (MappingIterator<Map<String, Object>> it =
        YAML.readerFor(new TypeReference<Map<String, Object>>() {}).readValues(yaml)) {
      while (it.hasNext()) {
        Map<String, Object> doc = it.next();
        if (doc != null && !doc.isEmpty()) {
          result.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("not valid YAML:\n" + yaml, e);
    }
    return new Manifests(result);
  }

  List<Map<String, Object>> all() {
    return objects;
  }

  List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  Map<String, Object> get(String kind, String name) {
    List<Map<String, Object>> found =
        ofKind(kind).stream().filter(o -> name.equals(str(o, "metadata.name"))).toList();
    if (found.size() != 1) {
      fail("expected one " + kind + " " + name + ", found " + found.size() + ": " + names());
    }
    return found.get(0);
  }

  Map<String, Object> get(String kind, String namespace, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(str(o, "metadata.name")))
        .filter(o -> namespace.equals(str(o, "metadata.namespace")))
        .findFirst()
        .orElseGet(() -> fail("no " + kind + " " + namespace + "/" + name + " in " + names()));
  }

  List<String> names() {
    return objects.stream()
        .map(
            o ->
                o.get("kind")
                    + " "
                    + Objects.toString(str(o, "metadata.namespace"), "-")
                    + "/"
                    + str(o, "metadata.name"))
        .toList();
  }

  /** The value at a dotted path ("spec.template.spec"), or null. */
  static Object at(Object node, String path) {
    Object current = node;
    for (String part : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(part);
    }
    return current;
  }

  static String str(Object node, String path) {
    Object v = at(node, path);
    return v == null ? null : v.toString();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node, String path) {
    Object v = at(node, path);
    return v instanceof Map<?, ?> ? (Map<String, Object>) v : null;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object node, String path) {
    Object v = at(node, path);
    return v instanceof List<?> ? (List<Object>) v : List.of();
  }

  @SuppressWarnings("unchecked")
  static List<String> strings(Object node, String path) {
    return list(node, path).stream().map(String::valueOf).toList();
  }
}
