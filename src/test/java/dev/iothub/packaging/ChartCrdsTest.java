package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart ships the generated CRDs byte for byte (helm/iothub-operator/crds = crds/). */
class ChartCrdsTest {
  static final String FIX =
      "Copy them with: rm -f helm/iothub-operator/crds/*.yml && cp crds/*.yml"
          + " helm/iothub-operator/crds/ (scripts/render-deploy.sh does that and re-renders deploy/)";

  @Test
  void chartCrdsAreTheGeneratedOnes() throws IOException {
    List<String> generated = names(Project.path("crds"));
    List<String> shipped = names(Project.CHART.resolve("crds"));
    assertThat(generated).isNotEmpty();
    assertThat(shipped).as("CRD files of the chart. " + FIX).isEqualTo(generated);
    for (String name : generated) {
      byte[] a = Files.readAllBytes(Project.path("crds").resolve(name));
      byte[] b = Files.readAllBytes(Project.CHART.resolve("crds").resolve(name));
      assertThat(b)
          .as("helm/iothub-operator/crds/" + name + " differs from crds/" + name + ". " + FIX)
          .isEqualTo(a);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yml") || n.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }
}
