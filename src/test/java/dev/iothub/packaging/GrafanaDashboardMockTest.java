package dev.iothub.packaging;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dashboards/iothub-operator.json queries only metrics the operator exports: the operator runs a
 * failover and a refused failback on the embedded API server, its metrics are scraped in
 * Prometheus' text format (what GET /q/metrics serves), and every metric name in the dashboard's
 * PromQL must be among them.
 */
class GrafanaDashboardMockTest {
  static final Pattern METRIC = Pattern.compile("\\b(iothub_[a-z0-9_]+)\\b");
  static JsonNode dashboard;

  OperatorHarness h;
  HubFixtures f;

  @BeforeAll
  static void read() throws Exception {
    dashboard =
        new ObjectMapper().readTree(Project.path("dashboards/iothub-operator.json").toFile());
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  /** Every PromQL expression of the dashboard: panel targets and template variable queries. */
  static List<String> queries() {
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      JsonNode q = variable.path("query");
      if ("query".equals(variable.path("type").asText())) {
        queries.add(q.isTextual() ? q.asText() : q.path("query").asText());
      }
    }
    return queries;
  }

  static Set<String> metricsIn(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Sample names of a Prometheus text exposition (what the operator exports). */
  static Set<String> exported(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.lines().toList()) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  @Test
  void everyMetricTheDashboardQueriesIsExported() {
    h = OperatorHarness.start();
    f = new HubFixtures(h);
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    f.createReadyHub("fixtures/hub-westus2.yaml");
    f.request("failover-1", "contoso-hub", "contoso-hub");
    f.awaitPhase("failover-1", RequestPhase.Succeeded);
    f.request("failback-too-soon", "contoso-hub", "contoso-hub");
    f.awaitPhase("failback-too-soon", RequestPhase.Rejected);
    // The gauges follow the hub's status after the failover: one failover left, the next
    // operation an hour after it.
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> h.scrape().contains(sample("iothub_hub_quota_failovers_remaining", "1.0")));
    String scrape = h.scrape();

    List<String> queries = queries();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(10).allMatch(q -> !q.isBlank());
    Set<String> queried = new TreeSet<>();
    queries.forEach(q -> queried.addAll(metricsIn(q)));
    assertThat(exported(scrape))
        .as("metrics the operator exports, against those dashboards/iothub-operator.json queries")
        .containsAll(queried);

    // The five views the dashboard is for, each on real series of this failover.
    assertThat(queried)
        .contains(
            "iothub_operation_step_duration_seconds_sum",
            "iothub_operation_step_duration_seconds_count",
            "iothub_operations_total",
            "iothub_hub_devices",
            "iothub_registry_standby_lag_seconds",
            "iothub_hub_quota_failovers_remaining",
            "iothub_hub_quota_failbacks_remaining");
    assertThat(scrape)
        .contains(
            "iothub_operation_step_duration_seconds_count{step=\"SwitchingEndpoint\",type=\"Failover\",} 1.0")
        .contains(
            "iothub_operations_total{reason=\"TooSoon\",result=\"Rejected\",type=\"Failback\",} 1.0")
        .contains(sample("iothub_hub_quota_failbacks_remaining", "2.0"))
        .contains(sample("iothub_hub_devices", "0.0"));
    assertThat(nextAllowed(scrape))
        .isEqualTo(
            h.hub(NS, "contoso-hub").getStatus().getQuota().getNextOperationAllowedAt() == null
                ? 0
                : java.time.Instant.parse(
                        h.hub(NS, "contoso-hub").getStatus().getQuota().getNextOperationAllowedAt())
                    .getEpochSecond());
    assertThat(nextAllowed(scrape)).isGreaterThan(h.clock().instant().getEpochSecond());
  }

  static String sample(String metric, String value) {
    return metric + "{hub=\"contoso-hub\",namespace=\"" + NS + "\",} " + value;
  }

  static long nextAllowed(String scrape) {
    String prefix = "iothub_hub_next_operation_allowed_seconds{hub=\"contoso-hub\",";
    return scrape
        .lines()
        .filter(l -> l.startsWith(prefix))
        .map(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow();
  }

  /** The dashboard imports anywhere: data source and filters are variables, ids are unique. */
  @Test
  void dashboardIsPortable() {
    Set<Integer> ids = new HashSet<>();
    Set<String> variables = new TreeSet<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).contains("datasource", "namespace", "hub");
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique id " + panel.path("id")).isTrue();
      assertThat(panel.path("title").asText()).isNotBlank();
      if (!"row".equals(panel.path("type").asText())) {
        assertThat(panel.path("datasource").path("uid").asText())
            .as(panel.path("title").asText())
            .isEqualTo("${datasource}");
        assertThat(panel.path("targets")).isNotEmpty();
      }
    }
    for (String q : queries()) {
      Matcher m = Pattern.compile("\\$([a-z_]+)").matcher(q);
      while (m.find()) {
        if (!m.group(1).startsWith("__")) {
          assertThat(variables).as("variable of " + q).contains(m.group(1));
        }
      }
    }
    assertThat(dashboard.path("uid").asText()).isEqualTo("iothub-operator");
  }
}
