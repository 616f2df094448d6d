package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.operator.config.IoTHubConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application.properties that the chart renders speaks the operator's language: every iothub.*
 * key is a property of {@link IoTHubConfig}, the chart's defaults are the operator's defaults, and
 * the values reach the right keys.
 */
class ChartConfigurationIT {
  static Map<String, String> defaults;
  static Map<String, String> namespaced;
  static Map<String, String> single;

  @BeforeAll
  static void render() {
    Helm helm = Helm.locate();
    defaults = properties(helm.template());
    namespaced = properties(helm.template(ChartRbacIT.NAMESPACED));
    single = properties(helm.template(ChartRbacIT.SINGLE));
  }

  static Map<String, String> properties(Manifests m) {
    Map<String, Object> data = Manifests.map(m.get("ConfigMap", "iothub-operator-config"), "data");
    String text = (String) data.get("application.properties");
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> result = new TreeMap<>();
    p.forEach((k, v) -> result.put((String) k, (String) v));
    return result;
  }

  /** Patterns of the keys IoTHubConfig reads, with the default of each where it has one. */
  static Map<Pattern, String> configKeys() {
    Map<Pattern, String> keys = new LinkedHashMap<>();
    String prefix = IoTHubConfig.class.getAnnotation(ConfigMapping.class).prefix();
    collect(IoTHubConfig.class, Pattern.quote(prefix + "."), keys);
    return keys;
  }

  private static void collect(Class<?> mapping, String prefix, Map<Pattern, String> keys) {
    for (Method m : mapping.getMethods()) {
      if (m.isDefault() || m.getParameterCount() != 0) {
        continue;
      }
      WithName withName = m.getAnnotation(WithName.class);
      String name = withName != null ? withName.value() : kebab(m.getName());
      String key = prefix + Pattern.quote(name);
      Type type = m.getGenericReturnType();
      if (type instanceof ParameterizedType pt && pt.getRawType() == Optional.class) {
        type = pt.getActualTypeArguments()[0];
      }
      if (type instanceof ParameterizedType pt && pt.getRawType() == Map.class) {
        Type value = pt.getActualTypeArguments()[1];
        String mapKey = key + "\\.(\"[^\"]+\"|[^.\"]+)";
        if (value instanceof Class<?> c && c.isInterface() && isMapping(c)) {
          collect(c, mapKey + "\\.", keys);
        } else {
          keys.put(Pattern.compile(mapKey), null);
        }
      } else if (type instanceof Class<?> c && c.isInterface() && isMapping(c)) {
        collect(c, key + "\\.", keys);
      } else {
        WithDefault d = m.getAnnotation(WithDefault.class);
        keys.put(Pattern.compile(key), d == null ? null : d.value());
      }
    }
  }

  private static boolean isMapping(Class<?> c) {
    return c.getEnclosingClass() != null || c.getPackageName().startsWith("dev.iothub");
  }

  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
  }

  @Test
  void everyIotHubKeyIsAPropertyOfTheOperator() {
    Map<Pattern, String> known = configKeys();
    List<String> unknown = new ArrayList<>();
    for (Map<String, String> rendered : List.of(defaults, namespaced, single)) {
      for (String key : rendered.keySet()) {
        if (key.startsWith("iothub.")
            && known.keySet().stream().noneMatch(p -> p.matcher(key).matches())) {
          unknown.add(key);
        }
      }
    }
    assertThat(unknown.stream().distinct().toList())
        .as(
            "keys that helm/iothub-operator/templates/_helpers.tpl (iothub-operator.properties)"
                + " writes but dev.iothub.operator.config.IoTHubConfig does not read")
        .isEmpty();
  }

  /**
   * Where the chart's default knowingly differs from the operator's: in a cluster the chart turns
   * leader election on, while the operator's own default suits a single process (and the embedded
   * API server, which has no Leases).
   */
  static final Set<String> INTENDED_DIFFERENCES = Set.of("iothub.leader-election.enabled");

  @Test
  void chartDefaultsAreTheOperatorsDefaults() {
    Map<String, String> differences = new TreeMap<>();
    configKeys()
        .forEach(
            (pattern, javaDefault) -> {
              for (Map.Entry<String, String> e : defaults.entrySet()) {
                if (javaDefault != null
                    && !INTENDED_DIFFERENCES.contains(e.getKey())
                    && pattern.matcher(e.getKey()).matches()
                    && !javaDefault.equals(e.getValue())) {
                  differences.put(
                      e.getKey(), "chart " + e.getValue() + ", operator " + javaDefault);
                }
              }
            });
    assertThat(differences).isEmpty();
  }

  @Test
  void defaultsWatchTheTutorialsHubNamespaceAndItsTwoRegions() {
    assertThat(defaults)
        .containsEntry("quarkus.operator-sdk.namespaces", "manlfailrg")
        .containsEntry("quarkus.operator-sdk.controllers.iothub.namespaces", "manlfailrg")
        .containsEntry("quarkus.operator-sdk.controllers.failoverrequest.namespaces", "manlfailrg")
        .containsEntry("iothub.watched-region-namespaces", "iothub-westus2,iothub-westcentralus")
        .containsEntry("iothub.region-namespace-template", "iothub-{region}")
        .containsEntry("iothub.failover.max-failovers-per-window", "2")
        .containsEntry("iothub.failover.max-failbacks-per-window", "2")
        .containsEntry("iothub.failover.quota-window", "PT24H")
        .containsEntry("iothub.failover.min-interval", "PT1H")
        .containsEntry("iothub.failover.step-deadline", "PT5M")
        .containsEntry("iothub.leader-election.enabled", "true")
        .containsEntry("iothub.leader-election.lease-name", "iothub-operator-leader")
        .containsEntry("iothub.leader-election.lease-namespace", Helm.NAMESPACE)
        .containsEntry("quarkus.log.level", "INFO")
        .doesNotContainKey("quarkus.log.console.format");
    assertThat(defaults.keySet()).noneMatch(k -> k.startsWith("iothub.regions."));
  }

  @Test
  void valuesReachTheirProperties() {
    assertThat(namespaced)
        .containsEntry("quarkus.operator-sdk.namespaces", "manlfailrg,contoso-prod")
        .containsEntry(
            "quarkus.operator-sdk.controllers.iothub.namespaces", "manlfailrg,contoso-prod")
        .containsEntry(
            "quarkus.operator-sdk.controllers.failoverrequest.namespaces",
            "manlfailrg,contoso-prod")
        .containsEntry(
            "iothub.watched-region-namespaces",
            "hubs-westus2,hubs-westcentralus,hubs-westus3,hubs-eastus,edge-one")
        .containsEntry("iothub.region-namespace-template", "hubs-{region}")
        .containsEntry("iothub.regions.\"westus3\".pair", "eastus")
        .containsEntry("iothub.regions.\"edge1\".display-name", "Edge Site 1")
        .containsEntry("iothub.regions.\"edge1\".pair", "westus3")
        .containsEntry("iothub.regions.\"edge1\".namespace", "edge-one")
        .containsEntry("iothub.cluster-domain", "k8s.example.internal")
        .containsEntry("iothub.failover.max-failovers-per-window", "5")
        .containsEntry("iothub.failover.max-failbacks-per-window", "4")
        .containsEntry("iothub.failover.quota-window", "PT12H")
        .containsEntry("iothub.failover.min-interval", "PT10M")
        .containsEntry("iothub.failover.step-deadline", "PT2M30S")
        .containsEntry("iothub.retry-initial-delay", "PT1S")
        .containsEntry("iothub.retry-max-delay", "PT1M")
        .containsEntry("iothub.history-limit", "50")
        // Written as integers, never as 3.3554432e+07.
        .containsEntry("iothub.device-import.max-secret-bytes", "33554432")
        .containsEntry("iothub.device-import.max-secret-lines", "400000")
        .containsEntry("iothub.device-import.max-records", "1000000")
        .containsEntry("iothub.device-import.max-bytes", "268435456")
        .containsEntry("iothub.leader-election.lease-name", "hubs-operator-lease")
        .containsEntry("quarkus.log.level", "DEBUG")
        .containsEntry("quarkus.log.category.\"dev.iothub\".level", "TRACE")
        .containsEntry("quarkus.log.console.format", "%d{HH:mm:ss} %-5p [%c{3.}] %s%e%n")
        .containsEntry("quarkus.operator-sdk.concurrent-reconciliation-threads", "4");
    assertThat(single).containsEntry("iothub.leader-election.enabled", "false");
  }

  @Test
  void watchingAllNamespacesIsAnExplicitChoice() {
    Map<String, String> all = properties(Helm.locate().template(ChartRbacIT.WATCH_ALL));
    assertThat(all)
        .containsEntry("quarkus.operator-sdk.namespaces", "JOSDK_ALL_NAMESPACES")
        .containsEntry("quarkus.operator-sdk.controllers.iothub.namespaces", "JOSDK_ALL_NAMESPACES")
        .containsEntry(
            "quarkus.operator-sdk.controllers.failoverrequest.namespaces", "JOSDK_ALL_NAMESPACES");
  }
}
