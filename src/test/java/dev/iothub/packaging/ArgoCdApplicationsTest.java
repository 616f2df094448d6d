package dev.iothub.packaging;

import static dev.iothub.packaging.Manifests.str;
import static dev.iothub.packaging.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example Argo CD Applications point at what this repository holds. */
class ArgoCdApplicationsTest {
  static Map<String, Object> application(String file) {
    return Manifests.parse(Project.read("argocd/applications/" + file))
        .ofKind("Application")
        .get(0);
  }

  @Test
  void operatorApplicationInstallsTheChartWithoutCascadingToTheCrds() {
    Map<String, Object> app = application("iothub-operator.yaml");
    assertThat(str(app, "apiVersion")).isEqualTo("argoproj.io/v1alpha1");
    assertThat(str(app, "spec.source.path")).isEqualTo("helm/iothub-operator");
    assertThat(Files.isRegularFile(Project.path(str(app, "spec.source.path") + "/Chart.yaml")))
        .isTrue();
    assertThat(str(app, "spec.source.helm.releaseName")).isEqualTo(Helm.RELEASE);
    assertThat(str(app, "spec.destination.namespace")).isEqualTo(Helm.NAMESPACE);
    assertThat(strings(app, "spec.syncPolicy.syncOptions")).contains("CreateNamespace=true");
    // Deleting the Application must not delete the CRDs and with them every hub.
    assertThat(strings(app, "metadata.finalizers")).isEmpty();
  }

  @Test
  void hubApplicationSyncsTheTutorialHubOnly() {
    Map<String, Object> app = application("contoso-hub.yaml");
    String path = str(app, "spec.source.path");
    String include = str(app, "spec.source.directory.include");
    assertThat(include).isEqualTo("01-hub.yaml");
    Map<String, Object> hub =
        Manifests.parse(Project.read(path + "/" + include)).ofKind("IoTHub").get(0);
    assertThat(str(app, "spec.destination.namespace")).isEqualTo(str(hub, "metadata.namespace"));
    assertThat(strings(app, "spec.syncPolicy.syncOptions"))
        .contains("CreateNamespace=true", "SkipDryRunOnMissingResource=true");
  }
}
