package dev.iothub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.testing.CrdAdmission;
import dev.iothub.testing.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every iothub.dev resource under examples/ is one that {@code kubectl apply} gets through the API
 * server: valid against the committed CRD's schema and CEL rules, with no unknown field.
 */
class ExamplesTest {
  static final String GROUP = "iothub.dev/";

  record Document(String where, JsonNode object) {
    String apiVersion() {
      return object.path("apiVersion").asString("");
    }

    String kind() {
      return object.path("kind").asString("");
    }

    @Override
    public String toString() {
      return where + " " + kind() + "/" + object.path("metadata").path("name").asString("?");
    }
  }

  static Path examples() {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    return base.resolve("examples");
  }

  static List<Document> allDocuments() {
    List<Document> docs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(examples())) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        List<JsonNode> inFile = Yaml.documents(file);
        for (int i = 0; i < inFile.size(); i++) {
          docs.add(new Document(examples().relativize(file) + "#" + (i + 1), inFile.get(i)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  static Stream<Arguments> iothubDocuments() {
    return allDocuments().stream()
        .filter(d -> d.apiVersion().startsWith(GROUP))
        .map(d -> Arguments.of(d));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("iothubDocuments")
  void isAcceptedByTheApiServer(Document doc) {
    CrdAdmission admission =
        CrdAdmission.forKind(doc.apiVersion(), doc.kind())
            .orElseThrow(
                () ->
                    new AssertionError(
                        doc + ": no committed CRD serves " + doc.apiVersion() + " " + doc.kind()));

    assertThat(admission.create(doc.object())).as(doc.toString()).isEmpty();
  }

  @Test
  void theExamplesShowEveryKindOfTheApi() {
    assertThat(examples()).isDirectory();
    List<Document> docs = allDocuments();

    assertThat(docs)
        .as("every document names its apiVersion and kind")
        .allSatisfy(
            d -> {
              assertThat(d.apiVersion()).as(d.where()).isNotEmpty();
              assertThat(d.kind()).as(d.where()).isNotEmpty();
            });
    assertThat(docs)
        .filteredOn(d -> d.apiVersion().startsWith(GROUP))
        .extracting(Document::kind)
        .contains("IoTHub", "FailoverRequest");
  }
}
