package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.packaging.ArgoCdActions.Action;
import dev.iothub.packaging.ArgoCdActions.Outcome;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Argo CD resource actions in argocd/actions, run on Argo CD's action contract (see {@link
 * ArgoCdActions}) against live objects: the health check fixtures in
 * src/test/resources/packaging/argocd/ and those in packaging/argocd-actions/.
 */
class ArgoCdActionsTest {
  static final Path HEALTH_FIXTURES = ArgoCdHealthTest.FIXTURES;
  static final Path FIXTURES = Project.path("src/test/resources/packaging/argocd-actions");
  static final String HUB_UID = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
  static final Instant NOW = Instant.parse("2026-11-26T12:30:00Z");

  static List<LuaHealthRunner> runners;

  @BeforeAll
  static void interpreters() {
    runners = LuaHealthRunner.available();
    System.out.println(
        "Argo CD actions run with: "
            + runners.stream().map(LuaHealthRunner::name).collect(Collectors.joining(", ")));
  }

  /** "iothub/active" from the health fixtures, "quota-spent" from this test's own. */
  static Map<String, Object> fixture(String name) {
    Path file =
        name.contains("/")
            ? HEALTH_FIXTURES.resolve(name + ".yaml")
            : FIXTURES.resolve(name + ".yaml");
    try {
      Map<String, Object> obj =
          Manifests.YAML.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
      @SuppressWarnings("unchecked")
      Map<String, Object> metadata = (Map<String, Object>) obj.get("metadata");
      // Live objects always have a uid; the health fixtures leave it out.
      metadata.putIfAbsent("uid", HUB_UID);
      return obj;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Discovery with every interpreter; they must agree. */
  static Map<String, Action> discover(String kind, String fixture, Instant now) {
    Map<String, Action> first = null;
    for (LuaHealthRunner runner : runners) {
      Map<String, Action> actions =
          ArgoCdActions.discover(runner, kind, fixture(fixture), now, fixture);
      if (first != null) {
        assertThat(actions).as(runner.name() + " agrees on " + fixture).isEqualTo(first);
      }
      first = actions;
    }
    return first;
  }

  static Outcome run(String kind, String action, Map<String, Object> obj, Instant now) {
    Outcome first = null;
    for (LuaHealthRunner runner : runners) {
      Outcome o = ArgoCdActions.run(runner, kind, action, obj, now, action);
      if (first != null) {
        assertThat(o).as(runner.name() + " agrees on " + action).isEqualTo(first);
      }
      first = o;
    }
    return first;
  }

  static void expect(Action action, String displayName) {
    assertThat(action.displayName()).isEqualTo(displayName);
    assertThat(action.disabled())
        .as("disabled, as its name says: " + displayName)
        .isEqualTo(displayName.contains("(not now: "));
    assertThat(action.iconClass()).startsWith("fa fa-fw fa-");
  }

  @ParameterizedTest(name = "IoTHub {0} at {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          iothub/active                    | 2026-11-26T12:30:00Z | Fail over to West Central US | Fail back (not now: the hub runs in its primary location West US 2)
          iothub/failover-complete         | 2026-11-26T11:30:00Z | Fail over (not now: not before 2026-11-26T12:00:09Z, 1 interval after the last operation) | Fail back (not now: not before 2026-11-26T12:00:09Z, 1 interval after the last operation)
          iothub/failover-complete         | 2026-11-26T12:00:10Z | Fail over (not now: the hub already runs in its failover location West Central US) | Fail back to West US 2
          iothub/failing-over              | 2026-11-26T12:30:00Z | Fail over (not now: a failover is in progress (request contoso-hub-failover-1)) | Fail back (not now: a failover is in progress (request contoso-hub-failover-1))
          iothub/failing-back              | 2026-11-26T12:30:00Z | Fail over (not now: a failback is in progress (request contoso-hub-failback-1)) | Fail back (not now: a failback is in progress (request contoso-hub-failback-1))
          iothub/no-status                 | 2026-11-26T12:30:00Z | Fail over (not now: the operator has not reported the hub's state yet) | Fail back (not now: the operator has not reported the hub's state yet)
          iothub/provisioning              | 2026-11-26T12:30:00Z | Fail over (not now: the hub is not ready (BrokerNotAvailable)) | Fail back (not now: the hub is not ready (BrokerNotAvailable))
          iothub/broker-lost               | 2026-11-26T12:30:00Z | Fail over to West Central US | Fail back (not now: the hub runs in its primary location West US 2)
          iothub/active-region-unavailable | 2026-11-26T12:30:00Z | Fail over to West Central US | Fail back (not now: the hub runs in its primary location West US 2)
          iothub/location-not-paired       | 2026-11-26T12:30:00Z | Fail over (not now: the hub has no failover location) | Fail back (not now: the hub has no failover location)
          iothub/unknown-location          | 2026-11-26T12:30:00Z | Fail over (not now: the hub has no failover location) | Fail back (not now: the hub has no failover location)
          iothub/region-namespace-missing  | 2026-11-26T12:30:00Z | Fail over (not now: the hub is not ready (RegionNamespaceMissing)) | Fail back (not now: the hub is not ready (RegionNamespaceMissing))
          iothub/name-conflict             | 2026-11-26T12:30:00Z | Fail over (not now: the hub is not ready (NameConflict)) | Fail back (not now: the hub is not ready (NameConflict))
          iothub/deleting                  | 2026-11-26T12:30:00Z | Fail over (not now: the hub is being deleted) | Fail back (not now: the hub is being deleted)
          iothub/failover-failed           | 2026-11-26T12:30:00Z | Fail over to West Central US | Fail back (not now: the hub runs in its primary location West US 2)
          quota-spent                      | 2026-11-26T12:30:00Z | Fail over (not now: no failovers left in the quota window) | Fail back (not now: the hub runs in its primary location West US 2)
          """)
  void hubDiscovery(String fixture, String now, String failover, String failback) {
    Map<String, Action> actions = discover("IoTHub", fixture, Instant.parse(now));
    assertThat(actions).containsOnlyKeys("failover", "failback");
    expect(actions.get("failover"), failover);
    expect(actions.get("failback"), failback);
  }

  @ParameterizedTest(name = "FailoverRequest {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          failoverrequest/failed-target-not-available    | Retry as a new request
          failoverrequest/failed-without-message         | Retry as a new request
          failoverrequest/rejected-too-soon              | Retry as a new request
          failoverrequest/rejected-quota                 | Retry as a new request
          failoverrequest/rejected-confirmation-mismatch | Retry (not now: rejected with ConfirmationMismatch: fix the request and create a new one)
          failoverrequest/succeeded                      | Retry (not now: the request succeeded)
          failoverrequest/running                        | Retry (not now: the request has not ended yet)
          failoverrequest/pending                        | Retry (not now: the request has not ended yet)
          failoverrequest/no-status                      | Retry (not now: the request has not ended yet)
          """)
  void requestDiscovery(String fixture, String retry) {
    Map<String, Action> actions = discover("FailoverRequest", fixture, NOW);
    assertThat(actions).containsOnlyKeys("retry");
    expect(actions.get("retry"), retry);
  }

  /** The request the failover action creates, as Argo CD would create it. */
  @Test
  void failoverCreatesARequestForTheHubWithTheConfirmationFilledIn() {
    Map<String, Object> created =
        run("IoTHub", "failover", fixture("iothub/active"), NOW).created();
    assertThat(created)
        .isEqualTo(
            yaml(
                """
                apiVersion: iothub.dev/v1alpha1
                kind: FailoverRequest
                metadata:
                  name: contoso-hub-failover-20261126123000
                  namespace: manlfailrg
                  annotations:
                    iothub.dev/requested-by: argocd-action/failover
                  ownerReferences:
                    - apiVersion: iothub.dev/v1alpha1
                      kind: IoTHub
                      name: contoso-hub
                      uid: 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d
                spec:
                  hubName: contoso-hub
                  confirmHubName: contoso-hub
                """));
    // It is a valid FailoverRequest of our API.
    FailoverRequest request =
        new KubernetesSerialization().convertValue(created, FailoverRequest.class);
    assertThat(request.getSpec().getConfirmHubName()).isEqualTo(request.getSpec().getHubName());
  }

  @Test
  void failbackCreatesTheSameRequestUnderAFailbackName() {
    Instant later = Instant.parse("2026-11-26T12:00:10Z");
    Map<String, Object> created =
        run("IoTHub", "failback", fixture("iothub/failover-complete"), later).created();
    assertThat(Manifests.str(created, "metadata.name"))
        .isEqualTo("contoso-hub-failback-20261126120010");
    assertThat(Manifests.map(created, "spec"))
        .isEqualTo(Map.of("hubName", "contoso-hub", "confirmHubName", "contoso-hub"));
    assertThat(Manifests.map(created, "metadata.annotations"))
        .containsEntry("iothub.dev/requested-by", "argocd-action/failback");
  }

  /** An action run the wrong way (CLI, stale page) fails with a sentence; nothing is created. */
  @ParameterizedTest(name = "{1} on {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          iothub/failover-complete | failover | contoso-hub runs in its failover location West Central US: use the failback action.
          iothub/active            | failback | contoso-hub runs in its primary location West US 2: use the failover action.
          """)
  void wrongDirectionIsRefused(String fixture, String action, String error) {
    Outcome o = run("IoTHub", action, fixture(fixture), NOW);
    assertThat(o.operations()).isNull();
    assertThat(o.error()).isEqualTo(error);
  }

  @Test
  void retryCreatesANewRequestWithTheSameHubAndOwner() {
    Map<String, Object> failed = fixture("failoverrequest/failed-target-not-available");
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) failed.get("metadata");
    List<Object> owners = new ArrayList<>();
    Map<String, Object> owner = new LinkedHashMap<>();
    owner.put("apiVersion", "iothub.dev/v1alpha1");
    owner.put("kind", "IoTHub");
    owner.put("name", "contoso-hub");
    owner.put("uid", HUB_UID);
    owners.add(owner);
    metadata.put("ownerReferences", owners);
    metadata.put("labels", Map.of("app.kubernetes.io/instance", "contoso-hub"));

    Map<String, Object> created = run("FailoverRequest", "retry", failed, NOW).created();
    assertThat(created)
        .isEqualTo(
            yaml(
                """
                apiVersion: iothub.dev/v1alpha1
                kind: FailoverRequest
                metadata:
                  name: contoso-hub-retry-20261126123000
                  namespace: manlfailrg
                  annotations:
                    iothub.dev/requested-by: argocd-action/retry
                    iothub.dev/retry-of: contoso-hub-failover-2
                  ownerReferences:
                    - apiVersion: iothub.dev/v1alpha1
                      kind: IoTHub
                      name: contoso-hub
                      uid: 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d
                spec:
                  hubName: contoso-hub
                  confirmHubName: contoso-hub
                """));
  }

  @Test
  void retryOfARequestThatHasNotEndedIsRefused() {
    Outcome o = run("FailoverRequest", "retry", fixture("failoverrequest/running"), NOW);
    assertThat(o.error())
        .isEqualTo(
            "Request contoso-hub-failover-1 has not ended (Running): wait for it before retrying.");
  }

  /** The longest hub name (50) still gives request names Kubernetes takes (DNS subdomain). */
  @Test
  void generatedNamesAreValidForTheLongestHubName() {
    Map<String, Object> hub = fixture("longest-name");
    String name = Manifests.str(run("IoTHub", "failover", hub, NOW).created(), "metadata.name");
    assertThat(name)
        .isEqualTo("a123456789b123456789c123456789d123456789e123456789-failover-20261126123000")
        .hasSizeLessThanOrEqualTo(253)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  }

  /** failover and failback are one script; only `wanted` and the first line differ. */
  @Test
  void failoverAndFailbackDifferOnlyInTheirDirection() {
    String failover = ArgoCdActions.script("IoTHub", "failover/action.lua");
    String failback = ArgoCdActions.script("IoTHub", "failback/action.lua");
    assertThat(failback)
        .isEqualTo(
            failover
                .replace("local wanted = \"Failover\"", "local wanted = \"Failback\"")
                .replace("-- Argo CD action \"failover\"", "-- Argo CD action \"failback\""));
    assertThat(failback).isNotEqualTo(failover);
  }

  /** The argocd-cm snippet carries the scripts under the keys and in the shape Argo CD reads. */
  @Test
  void configMapSnippetInstallsTheActions() throws IOException {
    Manifests m = Manifests.parse(Project.read("argocd/argocd-cm-actions.yaml"));
    Map<String, Object> cm = m.get("ConfigMap", "argocd-cm");
    assertThat(Manifests.str(cm, "metadata.namespace")).isEqualTo("argocd");
    Map<String, Object> data = Manifests.map(cm, "data");
    assertThat(data)
        .containsOnlyKeys(
            "resource.customizations.actions.iothub.dev_IoTHub",
            "resource.customizations.actions.iothub.dev_FailoverRequest");
    Map<String, List<String>> expected =
        Map.of("IoTHub", List.of("failback", "failover"), "FailoverRequest", List.of("retry"));
    for (var e : expected.entrySet()) {
      Map<String, Object> custom =
          Manifests.YAML.readValue(
              (String) data.get("resource.customizations.actions.iothub.dev_" + e.getKey()),
              new TypeReference<Map<String, Object>>() {});
      assertThat(custom).containsOnlyKeys("discovery.lua", "definitions");
      assertThat(custom.get("discovery.lua"))
          .isEqualTo(ArgoCdActions.script(e.getKey(), "discovery.lua"));
      List<Object> definitions = Manifests.list(custom, "definitions");
      assertThat(definitions.stream().map(d -> Manifests.str(d, "name")).toList())
          .isEqualTo(e.getValue());
      for (Object d : definitions) {
        assertThat(d)
            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
            .containsOnlyKeys("name", "action.lua");
        // Not Manifests.str: it reads "action.lua" as a dotted path.
        assertThat(((Map<?, ?>) d).get("action.lua"))
            .isEqualTo(ArgoCdActions.script(e.getKey(), Manifests.str(d, "name") + "/action.lua"));
      }
    }
  }

  @Test
  void scriptsUseOnlyWhatArgoCdsVmOffers() throws IOException {
    try (var files = java.nio.file.Files.walk(Project.path("argocd/actions"))) {
      List<Path> scripts = files.filter(p -> p.toString().endsWith(".lua")).toList();
      assertThat(scripts).hasSize(5);
      for (Path script : scripts) {
        String code =
            Project.read(script)
                .lines()
                .filter(l -> !l.trim().startsWith("--"))
                .collect(Collectors.joining("\n"));
        assertThat(code)
            .as(script.toString())
            .doesNotContain("goto ", "io.", "debug.", "loadstring");
        assertThat(code.replace("require(\"os\")", ""))
            .as(script + ": require only os")
            .doesNotContain("require");
      }
    }
  }

  static Map<String, Object> yaml(String text) {
    try {
      return Manifests.YAML.readValue(text, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
