package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.packaging.LuaHealthRunner.Health;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Argo CD health checks in argocd/health, run as Argo CD runs them against the live objects in
 * src/test/resources/packaging/argocd/, and the argocd-cm snippet that installs them.
 */
class ArgoCdHealthTest {
  static final Path FIXTURES = Project.path("src/test/resources/packaging/argocd");
  static final String HUB_SCRIPT = "argocd/health/iothub.dev/IoTHub/health.lua";
  static final String REQUEST_SCRIPT = "argocd/health/iothub.dev/FailoverRequest/health.lua";

  static List<LuaHealthRunner> runners;

  @BeforeAll
  static void interpreters() {
    runners = LuaHealthRunner.available();
    System.out.println(
        "Argo CD health checks run with: "
            + runners.stream().map(LuaHealthRunner::name).collect(Collectors.joining(", ")));
  }

  static Map<String, Object> fixture(String dir, String name) {
    try {
      return Manifests.YAML.readValue(
          FIXTURES.resolve(dir).resolve(name + ".yaml").toFile(),
          new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void check(String script, String dir, String name, String status, String message) {
    String source = Project.read(script);
    Map<String, Object> obj = fixture(dir, name);
    for (LuaHealthRunner runner : runners) {
      Health h = runner.run(source, obj, dir + "/" + name);
      assertThat(h.status()).as(runner.name() + " status of " + dir + "/" + name).isEqualTo(status);
      assertThat(h.message())
          .as(runner.name() + " message of " + dir + "/" + name)
          .isNotBlank()
          .contains(message);
    }
  }

  @ParameterizedTest(name = "IoTHub {0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          no-status                | Progressing | Waiting for the operator to report the hub's status.
          provisioning             | Progressing | BrokerNotAvailable: Waiting for the broker in West US 2
          active                   | Healthy     | contoso-hub is running in West US 2.
          failing-over             | Progressing | Manual failover in progress. Step: MigratingRegistry (250/1000 devices).
          failing-back             | Progressing | Manual failback in progress. Step: SwitchingEndpoint (1000/1000 devices).
          failover-complete        | Healthy     | Manual failover is complete. contoso-hub is running in West Central US.
          unknown-location         | Degraded    | UnknownLocation: Location 'marsnorth' is not a known region.
          location-not-paired      | Degraded    | LocationNotPaired: Qatar Central (qatarcentral) has no geo-pair
          region-namespace-missing | Degraded    | RegionNamespaceMissing: Namespace iothub-westcentralus of region West Central US does not exist.
          broker-lost              | Progressing | BrokerNotAvailable: Waiting for the broker in West US 2
          spec-changed             | Progressing | Waiting for the operator to observe generation 2.
          deleting                 | Progressing | Deleting
          active-region-unavailable | Degraded   | ActiveRegionUnavailable: Namespace iothub-westus2 of the active region West US 2 is gone.
          name-conflict            | Degraded    | NameConflict: Service manlfailrg/contoso-hub already exists
          failover-failed          | Healthy     | Manual failover failed (TargetNotAvailable): The broker in West Central US did not become available within 300 s.
          """)
  void iotHub(String fixture, String status, String message) {
    check(HUB_SCRIPT, "iothub", fixture, status, message);
  }

  @ParameterizedTest(name = "FailoverRequest {0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          no-status                      | Progressing | Waiting for the operator to pick up the request.
          pending                        | Progressing | Waiting for the hub to take the request.
          running                        | Progressing | Manual failover in progress: ActivatingTarget. Devices migrated: 1000/1000.
          succeeded                      | Healthy     | Manual failover is complete. contoso-hub is running in West Central US.
          rejected-too-soon              | Degraded    | TooSoon: The previous operation on contoso-hub completed less than 1 hour ago. The next operation is allowed at 2026-11-26T12:00:09Z.
          rejected-confirmation-mismatch | Degraded    | ConfirmationMismatch: confirmHubName 'contoso-hbu' does not match the hub name 'contoso-hub'.
          rejected-quota                 | Degraded    | QuotaExceeded: contoso-hub already had 2 successful failovers in the last 24 hours.
          failed-target-not-available    | Degraded    | TargetNotAvailable: The broker in West Central US did not become available within 300 s. The hub keeps running in West US 2.
          failed-without-message         | Degraded    | HubDeleted
          unknown-phase                  | Unknown     | Unknown phase Paused.
          """)
  void failoverRequest(String fixture, String status, String message) {
    check(REQUEST_SCRIPT, "failoverrequest", fixture, status, message);
  }

  @Test
  void degradedRequestMessageIsExactlyReasonColonMessage() {
    Map<String, Object> obj = fixture("failoverrequest", "rejected-too-soon");
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) obj.get("status");
    for (LuaHealthRunner runner : runners) {
      Health h = runner.run(Project.read(REQUEST_SCRIPT), obj, "rejected-too-soon");
      assertThat(h.message()).isEqualTo(status.get("reason") + ": " + status.get("message"));
    }
  }

  @Test
  void everyFixtureIsChecked() throws Exception {
    Set<String> checked = new TreeSet<>();
    for (String[] table :
        List.of(
            new String[] {"iotHub", "iothub"},
            new String[] {"failoverRequest", "failoverrequest"})) {
      CsvSource rows =
          ArgoCdHealthTest.class
              .getDeclaredMethod(table[0], String.class, String.class, String.class)
              .getAnnotation(CsvSource.class);
      rows.textBlock()
          .lines()
          .filter(l -> !l.isBlank())
          .forEach(l -> checked.add(table[1] + "/" + l.split("\\|")[0].trim()));
    }
    try (Stream<Path> files = Files.walk(FIXTURES)) {
      Set<String> present =
          files
              .filter(p -> p.toString().endsWith(".yaml"))
              .map(p -> FIXTURES.relativize(p).toString().replace(".yaml", ""))
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(present).as("fixtures in " + FIXTURES).isEqualTo(checked);
    }
  }

  /** The argocd-cm snippet carries exactly the scripts, under the keys Argo CD looks up. */
  @Test
  void configMapSnippetInstallsTheScripts() {
    Manifests m = Manifests.parse(Project.read("argocd/argocd-cm-health.yaml"));
    Map<String, Object> cm = m.get("ConfigMap", "argocd-cm");
    assertThat(Manifests.str(cm, "metadata.namespace")).isEqualTo("argocd");
    Map<String, Object> data = Manifests.map(cm, "data");
    assertThat(data)
        .containsOnlyKeys(
            "resource.customizations.health.iothub.dev_IoTHub",
            "resource.customizations.health.iothub.dev_FailoverRequest");
    assertThat(data.get("resource.customizations.health.iothub.dev_IoTHub"))
        .isEqualTo(Project.read(HUB_SCRIPT));
    assertThat(data.get("resource.customizations.health.iothub.dev_FailoverRequest"))
        .isEqualTo(Project.read(REQUEST_SCRIPT));
  }

  @Test
  void scriptsUseNoGotoAndNoLibrariesArgoCdLacks() {
    for (String script : List.of(HUB_SCRIPT, REQUEST_SCRIPT)) {
      String code =
          Project.read(script)
              .lines()
              .filter(l -> !l.trim().startsWith("--"))
              .collect(Collectors.joining("\n"));
      assertThat(code).as(script).doesNotContain("goto ", "require", "io.", "os.", "debug.");
    }
  }
}
