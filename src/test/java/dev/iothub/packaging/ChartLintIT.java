package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** `helm lint --strict` passes with the default values and with each non-default values file. */
class ChartLintIT {
  static Stream<String> valuesFiles() {
    return Stream.of("", "namespaced.yaml", "single-no-leader.yaml", "watch-all.yaml");
  }

  @ParameterizedTest(name = "values: {0}")
  @MethodSource("valuesFiles")
  void lintPasses(String valuesFile) {
    Path[] files =
        valuesFile.isEmpty()
            ? new Path[0]
            : new Path[] {Project.path("src/test/resources/packaging/values/" + valuesFile)};
    Helm.Result r = Helm.locate().run(Helm.lintArgs(files));
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout()).as(r.describe()).contains("1 chart(s) linted, 0 chart(s) failed");
    assertThat(r.stdout() + r.stderr()).as(r.describe()).doesNotContain("[WARNING]", "[ERROR]");
  }

  /** The values in the example Argo CD Application are valid values of the chart. */
  @Test
  void argoCdApplicationValuesPass(@TempDir Path tmp) throws IOException {
    Map<String, Object> app =
        Manifests.parse(Project.read("argocd/applications/iothub-operator.yaml"))
            .ofKind("Application")
            .get(0);
    Path values = tmp.resolve("values.yaml");
    Manifests.YAML.writeValue(values.toFile(), Manifests.map(app, "spec.source.helm.valuesObject"));
    Helm.Result r = Helm.locate().run(Helm.lintArgs(values));
    assertThat(r.exitCode()).as(r.describe()).isZero();
  }
}
