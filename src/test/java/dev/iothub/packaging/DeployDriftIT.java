package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/ and argocd/argocd-cm-health.yaml are what scripts/render-deploy.sh makes of the chart and
 * the health checks now: the committed files have not drifted.
 */
class DeployDriftIT {
  static final String REGENERATE = "scripts/render-deploy.sh";

  @TempDir static Path rendered;

  @BeforeAll
  static void renderAgain() {
    Helm helm = Helm.locate();
    Helm.Result r =
        Helm.exec(
            List.of(
                "env",
                "HELM=" + helm.binary(),
                "bash",
                Project.path("scripts/render-deploy.sh").toString(),
                "--output-root",
                rendered.toString()),
            Project.DIR);
    if (!r.ok()) {
      fail("scripts/render-deploy.sh failed:\n" + r.describe());
    }
  }

  @Test
  void deployDirectoryMatchesTheChart() throws IOException {
    compareDirectories(rendered.resolve("deploy"), Project.path("deploy"));
  }

  @Test
  void argocdConfigMapMatchesTheHealthScripts() {
    compareFile(
        rendered.resolve("argocd/argocd-cm-health.yaml"),
        Project.path("argocd/argocd-cm-health.yaml"));
  }

  @Test
  void argocdConfigMapMatchesTheActionScripts() {
    compareFile(
        rendered.resolve("argocd/argocd-cm-actions.yaml"),
        Project.path("argocd/argocd-cm-actions.yaml"));
  }

  @Test
  void deployInstallsNamespaceCrdsAndOperatorInThatOrder() throws IOException {
    try (Stream<Path> files = Files.list(Project.path("deploy"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("00-namespace.yaml", "01-crds.yaml", "02-operator.yaml");
    }
    Manifests ns = Manifests.parse(Project.read("deploy/00-namespace.yaml"));
    // The operator pod meets the restricted Pod Security Standard (ChartDeploymentIT checks it).
    assertThat(Manifests.map(ns.get("Namespace", Helm.NAMESPACE), "metadata.labels"))
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    Manifests crds = Manifests.parse(Project.read("deploy/01-crds.yaml"));
    assertThat(crds.ofKind("CustomResourceDefinition"))
        .extracting(c -> Manifests.str(c, "metadata.name"))
        .contains("iothubs.iothub.dev", "failoverrequests.iothub.dev");
    Manifests operator = Manifests.parse(Project.read("deploy/02-operator.yaml"));
    assertThat(operator.get("Deployment", Helm.NAMESPACE, "iothub-operator")).isNotNull();
    // kubectl applies a file top to bottom: the region namespaces come before their Roles.
    List<String> kinds = operator.all().stream().map(o -> (String) o.get("kind")).toList();
    assertThat(kinds.lastIndexOf("Namespace")).isLessThan(kinds.indexOf("Role"));
  }

  static void compareDirectories(Path expected, Path actual) throws IOException {
    TreeSet<String> want = names(expected);
    TreeSet<String> have = names(actual);
    if (!want.equals(have)) {
      fail(
          "deploy/ has files "
              + have
              + " but the chart renders "
              + want
              + ". Regenerate with: "
              + REGENERATE);
    }
    for (String name : want) {
      compareFile(expected.resolve(name), actual.resolve(name));
    }
  }

  static void compareFile(Path expected, Path actual) {
    if (!Files.exists(actual)) {
      fail(Project.DIR.relativize(actual) + " is missing. Regenerate with: " + REGENERATE);
    }
    String want = Project.read(expected);
    String have = Project.read(actual);
    if (!want.equals(have)) {
      fail(
          Project.DIR.relativize(actual)
              + " is out of date with helm/iothub-operator, argocd/health and argocd/actions ("
              + firstDifference(want, have)
              + "). Regenerate with: "
              + REGENERATE);
    }
  }

  static String firstDifference(String want, String have) {
    List<String> a = want.lines().toList();
    List<String> b = have.lines().toList();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      String x = i < a.size() ? a.get(i) : "<end of file>";
      String y = i < b.size() ? b.get(i) : "<end of file>";
      if (!x.equals(y)) {
        return "line " + (i + 1) + ": expected \"" + x + "\" but found \"" + y + "\"";
      }
    }
    return "line endings differ";
  }

  private static TreeSet<String> names(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return new TreeSet<>();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }
}
