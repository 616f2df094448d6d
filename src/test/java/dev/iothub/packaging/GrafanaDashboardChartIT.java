package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's optional ConfigMap for Grafana's dashboard sidecar: off by default; when on, it holds
 * dashboards/iothub-operator.json byte for byte, under the label the sidecar selects by.
 */
class GrafanaDashboardChartIT {
  static final String DASHBOARD = "dashboards/iothub-operator.json";

  static Manifests render(String... sets) {
    List<String> args = new ArrayList<>(Helm.templateArgs());
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    Helm.Result r = Helm.locate().run(args);
    assertThat(r.ok()).as(r.describe()).isTrue();
    return Manifests.parse(r.stdout());
  }

  @Test
  void offByDefault() {
    assertThat(render().names()).noneMatch(n -> n.contains("dashboard"));
  }

  @Test
  void rendersTheDashboardForTheSidecarWhenEnabled() throws Exception {
    Manifests m = render("metrics.grafanaDashboard.enabled=true");
    Map<String, Object> cm = m.get("ConfigMap", "iothub-operator-dashboard");
    assertThat(Manifests.str(cm, "metadata.namespace")).isEqualTo(Helm.NAMESPACE);
    assertThat(Manifests.map(cm, "metadata.labels"))
        .containsEntry("grafana_dashboard", "1")
        .containsEntry("app.kubernetes.io/name", "iothub-operator");
    String json = (String) Manifests.map(cm, "data").get("iothub-operator.json");
    assertThat(json).isEqualTo(Project.read(DASHBOARD).stripTrailing());
    assertThat(new ObjectMapper().readTree(json).path("uid").asText()).isEqualTo("iothub-operator");
  }

  @Test
  void namespaceLabelsAndAnnotationsFollowTheValues() {
    Manifests m =
        render(
            "metrics.grafanaDashboard.enabled=true",
            "metrics.grafanaDashboard.namespace=monitoring",
            "metrics.grafanaDashboard.labels.grafana_dashboard=iot",
            "metrics.grafanaDashboard.annotations.grafana_folder=IoT");
    Map<String, Object> cm = m.get("ConfigMap", "iothub-operator-dashboard");
    assertThat(Manifests.str(cm, "metadata.namespace")).isEqualTo("monitoring");
    assertThat(Manifests.map(cm, "metadata.labels")).containsEntry("grafana_dashboard", "iot");
    assertThat(Manifests.map(cm, "metadata.annotations")).containsEntry("grafana_folder", "IoT");
  }

  /** The chart holds a copy (helm reads no file outside the chart); render-deploy.sh makes it. */
  @Test
  void chartCopyIsTheProjectsDashboard() {
    assertThat(Project.read(Project.CHART.resolve(DASHBOARD)))
        .as("helm/iothub-operator/" + DASHBOARD + "; regenerate with scripts/render-deploy.sh")
        .isEqualTo(Project.read(DASHBOARD));
  }

  @Test
  void aMisspelledKeyIsRefusedByTheSchema() {
    List<String> args = new ArrayList<>(Helm.templateArgs());
    args.addAll(List.of("--set", "metrics.grafanaDashboard.enable=true"));
    Helm.Result r = Helm.locate().run(args);
    assertThat(r.ok()).isFalse();
    assertThat(r.stderr()).contains("enable");
  }
}
