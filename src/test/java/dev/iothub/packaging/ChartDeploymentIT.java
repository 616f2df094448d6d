package dev.iothub.packaging;

import static dev.iothub.packaging.Manifests.at;
import static dev.iothub.packaging.Manifests.list;
import static dev.iothub.packaging.Manifests.map;
import static dev.iothub.packaging.Manifests.str;
import static dev.iothub.packaging.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator Deployment and its companions, rendered with default and non-default values. */
class ChartDeploymentIT {
  static Manifests defaults;
  static Manifests namespaced;
  static Manifests single;
  static String appVersion;

  @BeforeAll
  static void render() throws Exception {
    Helm helm = Helm.locate();
    defaults = helm.template();
    namespaced = helm.template(ChartRbacIT.NAMESPACED);
    single = helm.template(ChartRbacIT.SINGLE);
    appVersion =
        new YAMLMapper()
            .readTree(Project.CHART.resolve("Chart.yaml").toFile())
            .get("appVersion")
            .asText();
  }

  static Stream<Arguments> renderings() {
    return Stream.of(
        Arguments.of("default values", defaults),
        Arguments.of("namespaced.yaml", namespaced),
        Arguments.of("single-no-leader.yaml", single));
  }

  static Map<String, Object> podSpec(Manifests m) {
    return map(m.ofKind("Deployment").get(0), "spec.template.spec");
  }

  static Map<String, Object> container(Manifests m) {
    List<Object> containers = list(podSpec(m), "containers");
    assertThat(containers).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) containers.get(0);
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void runsLockedDown(String label, Manifests m) {
    assertThat(m.ofKind("Deployment")).hasSize(1);
    Map<String, Object> pod = podSpec(m);
    assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
    assertThat(at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
    assertThat(pod)
        .doesNotContainKeys("hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace");
    assertThat(list(pod, "volumes")).noneMatch(v -> at(v, "hostPath") != null);

    Map<String, Object> c = container(m);
    assertThat(at(c, "securityContext.runAsNonRoot")).isEqualTo(true);
    assertThat(at(c, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(at(c, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
    assertThat(at(c, "securityContext.privileged")).isIn(false, null);
    assertThat(strings(c, "securityContext.capabilities.drop")).containsExactly("ALL");
    assertThat(at(c, "securityContext.capabilities.add")).isNull();
    assertThat(at(c, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");

    // A writable /tmp on the read-only root filesystem, and the configuration where Quarkus reads.
    assertThat(list(c, "volumeMounts"))
        .anySatisfy(
            v -> {
              assertThat(str(v, "mountPath")).isEqualTo("/tmp");
              assertThat(str(v, "name")).isEqualTo("tmp");
            })
        .anySatisfy(
            v -> {
              assertThat(str(v, "mountPath")).isEqualTo("/deployments/config");
              assertThat(at(v, "readOnly")).isEqualTo(true);
            });
    assertThat(list(pod, "volumes"))
        .anySatisfy(
            v -> {
              assertThat(str(v, "name")).isEqualTo("tmp");
              assertThat(at(v, "emptyDir")).isNotNull();
            });
    assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void hasResourcesAndProbes(String label, Manifests m) {
    Map<String, Object> c = container(m);
    assertThat(str(c, "resources.requests.cpu")).isNotBlank();
    assertThat(str(c, "resources.requests.memory")).isNotBlank();
    assertThat(str(c, "resources.limits.memory")).isNotBlank();
    assertThat(list(c, "ports"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(at(p, "containerPort")).isEqualTo(8080);
              assertThat(str(p, "name")).isEqualTo("http");
            });
    assertThat(str(c, "livenessProbe.httpGet.path")).isEqualTo("/q/health/live");
    assertThat(str(c, "livenessProbe.httpGet.port")).isEqualTo("http");
    assertThat(str(c, "readinessProbe.httpGet.path")).isEqualTo("/q/health/ready");
    assertThat(str(c, "readinessProbe.httpGet.port")).isEqualTo("http");
    assertThat(str(c, "startupProbe.httpGet.path")).isEqualTo("/q/health/live");
  }

  @Test
  void defaultImageIsTheAppVersionOnGhcr() {
    assertThat(str(container(defaults), "image"))
        .isEqualTo("ghcr.io/iothub-dev/iothub-operator:" + appVersion);
    assertThat(str(container(namespaced), "image"))
        .isEqualTo(
            "registry.example.com/platform/iothub-operator@sha256:"
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assertThat(str(container(namespaced), "imagePullPolicy")).isEqualTo("Always");
  }

  @Test
  void leaderElectionDecidesReplicasAndRolloutStrategy() {
    Map<String, Object> d = defaults.ofKind("Deployment").get(0);
    assertThat(at(d, "spec.replicas")).isEqualTo(1);
    assertThat(str(d, "spec.strategy.type")).isEqualTo("RollingUpdate");
    assertThat(at(namespaced.ofKind("Deployment").get(0), "spec.replicas")).isEqualTo(2);
    // Without a leader two pods must never run at once, not even during a rollout.
    assertThat(str(single.ofKind("Deployment").get(0), "spec.strategy.type")).isEqualTo("Recreate");
    assertThat(single.ofKind("Role")).noneMatch(r -> str(r, "metadata.name").contains("leader"));
  }

  @Test
  void configurationChangesRollThePods() {
    String a = str(defaults.ofKind("Deployment").get(0), "spec.template.metadata.annotations");
    String b = str(namespaced.ofKind("Deployment").get(0), "spec.template.metadata.annotations");
    assertThat(a).contains("checksum/config");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void metricsServiceAndOptionalServiceMonitor() {
    Map<String, Object> svc = defaults.get("Service", "iothub-operator-metrics");
    assertThat(list(svc, "spec.ports"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(str(p, "name")).isEqualTo("http-metrics");
              assertThat(str(p, "targetPort")).isEqualTo("http");
            });
    assertThat(map(svc, "spec.selector"))
        .isEqualTo(map(defaults.ofKind("Deployment").get(0), "spec.selector.matchLabels"));
    assertThat(defaults.ofKind("ServiceMonitor")).isEmpty();
    assertThat(single.ofKind("Service")).isEmpty();

    Map<String, Object> monitor = namespaced.get("ServiceMonitor", "iothub-operator");
    assertThat(str(monitor, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(str(monitor, "metadata.labels.release")).isEqualTo("prometheus");
    assertThat(list(monitor, "spec.endpoints"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(str(e, "port")).isEqualTo("http-metrics");
              assertThat(str(e, "path")).isEqualTo("/q/metrics");
              assertThat(str(e, "interval")).isEqualTo("15s");
            });
    assertThat(map(monitor, "spec.selector.matchLabels"))
        .isEqualTo(map(namespaced.ofKind("Deployment").get(0), "spec.selector.matchLabels"));
  }

  @Test
  void hubAndRegionNamespacesAreCreatedAndKeptOnlyWhenAsked() {
    List<Map<String, Object>> created = defaults.ofKind("Namespace");
    assertThat(created)
        .extracting(
            n ->
                str(n, "metadata.name")
                    + " "
                    + map(n, "metadata.labels").get("app.kubernetes.io/component"))
        .containsExactlyInAnyOrder(
            "iothub-westus2 region", "iothub-westcentralus region", "manlfailrg hub");
    assertThat(created)
        .allSatisfy(
            n -> {
              Map<String, Object> annotations = map(n, "metadata.annotations");
              assertThat(annotations)
                  .containsEntry("helm.sh/resource-policy", "keep")
                  .containsEntry("argocd.argoproj.io/sync-options", "Prune=false,Delete=false");
            });
    // Regions listed but not created; hub namespaces created (the default) and always kept.
    assertThat(namespaced.ofKind("Namespace"))
        .extracting(n -> str(n, "metadata.name"))
        .containsExactlyInAnyOrder("manlfailrg", "contoso-prod");
    assertThat(single.ofKind("Namespace")).isEmpty();
    // The operator's own namespace is the release's: helm install --create-namespace makes it.
    assertThat(defaults.ofKind("Namespace"))
        .noneMatch(n -> Helm.NAMESPACE.equals(str(n, "metadata.name")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void everyNamespacedObjectHasItsNamespace(String label, Manifests m) {
    for (Map<String, Object> o : m.all()) {
      String kind = str(o, "kind");
      if (List.of("Namespace", "ClusterRole", "ClusterRoleBinding").contains(kind)) {
        assertThat(str(o, "metadata.namespace")).as(kind).isNull();
      } else {
        assertThat(str(o, "metadata.namespace"))
            .as(kind + " " + str(o, "metadata.name"))
            .isNotBlank();
      }
    }
  }

  /**
   * Every built-in kind reads into fabric8's typed model without unknown fields, which catches a
   * misspelled or misplaced field that the API server would drop or refuse.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void objectsHaveOnlyKnownFields(String label, Manifests m) throws Exception {
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (Map<String, Object> o : m.all()) {
      if (str(o, "apiVersion").startsWith("monitoring.coreos.com")) {
        continue;
      }
      HasMetadata typed = serialization.convertValue(o, HasMetadata.class);
      assertThat(typed.getClass().getPackageName()).startsWith("io.fabric8.kubernetes.api.model");
      List<String> unknown = new ArrayList<>();
      collectUnknown(typed, str(o, "kind"), unknown);
      assertThat(unknown).as(str(o, "kind") + " " + str(o, "metadata.name")).isEmpty();
    }
  }

  private static void collectUnknown(Object node, String path, List<String> unknown)
      throws Exception {
    if (node == null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknown(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (node instanceof Map<?, ?> entries) {
      for (Map.Entry<?, ?> e : entries.entrySet()) {
        collectUnknown(e.getValue(), path + "." + e.getKey(), unknown);
      }
      return;
    }
    if (!node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value = getter.invoke(node);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
        continue;
      }
      collectUnknown(value, path + "." + getter.getName().substring(3), unknown);
    }
  }
}
