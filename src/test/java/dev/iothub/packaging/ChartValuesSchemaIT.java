package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad values are refused by `helm lint` and by `helm template` (and so by install and upgrade), by
 * values.schema.json or by the chart's own checks, with a message that points at the value.
 */
class ChartValuesSchemaIT {
  /** Refused by values.schema.json: helm lint fails as well as helm template / install. */
  static final boolean SCHEMA = true;

  /**
   * Refused by a check in the templates (a relation between values that JSON schema cannot state):
   * helm template / install / upgrade fail; helm lint, which never fails on a template's `fail`,
   * reports it as "[INFO] Fail: ...".
   */
  static final boolean CHECK = false;

  @TempDir Path tmp;

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(SCHEMA, "no replicas", "replicaCount: 0", "replicaCount"),
        Arguments.of(
            SCHEMA,
            "replicas without leader",
            "replicaCount: 2\nleaderElection:\n  enabled: false",
            "leaderElection"),
        Arguments.of(SCHEMA, "misspelled key", "replicas: 2", "replicas"),
        Arguments.of(
            SCHEMA, "misspelled nested key", "failover:\n  quotaWindw: PT1H", "quotaWindw"),
        Arguments.of(SCHEMA, "not ISO-8601", "failover:\n  quotaWindow: 24h", "quotaWindow"),
        Arguments.of(SCHEMA, "empty duration", "failover:\n  minInterval: PT", "minInterval"),
        Arguments.of(
            SCHEMA,
            "negative quota",
            "failover:\n  maxFailoversPerWindow: -1",
            "maxFailoversPerWindow"),
        Arguments.of(
            SCHEMA,
            "quota as text",
            "failover:\n  maxFailbacksPerWindow: two",
            "maxFailbacksPerWindow"),
        Arguments.of(
            SCHEMA,
            "quota past the status budget",
            "failover:\n  maxFailoversPerWindow: 6",
            "maxFailoversPerWindow"),
        Arguments.of(
            SCHEMA, "replay guard not ISO-8601", "failover:\n  replayGuard: 30d", "replayGuard"),
        Arguments.of(SCHEMA, "no history", "reconcile:\n  historyLimit: 0", "historyLimit"),
        Arguments.of(SCHEMA, "no region namespaces", "regions:\n  namespaces: []", "namespaces"),
        Arguments.of(
            SCHEMA, "bad namespace name", "regions:\n  namespaces: [Iothub_WestUS2]", "namespaces"),
        Arguments.of(
            SCHEMA,
            "duplicate hub namespace",
            "hubNamespaces: [manlfailrg, manlfailrg]",
            "hubNamespaces"),
        Arguments.of(
            CHECK,
            "no hub namespace and no opt-in to all",
            "hubNamespaces: []",
            "watchAllHubNamespaces=true"),
        Arguments.of(
            SCHEMA, "watch all as text", "watchAllHubNamespaces: all", "watchAllHubNamespaces"),
        Arguments.of(
            SCHEMA, "bad hub namespace name", "hubNamespaces: [ManlFailRG]", "hubNamespaces"),
        Arguments.of(
            SCHEMA,
            "template without {region}",
            "regions:\n  namespaceTemplate: iothub-hubs",
            "namespaceTemplate"),
        Arguments.of(
            SCHEMA,
            "bad region id",
            "regions:\n  overrides:\n    West-US:\n      pair: eastus",
            "overrides"),
        Arguments.of(
            CHECK,
            "override namespace without rights",
            "regions:\n  overrides:\n    westus3:\n      namespace: iothub-west3",
            "regions.namespaces"),
        Arguments.of(
            CHECK,
            "region paired with itself",
            "regions:\n  overrides:\n    westus3:\n      pair: westus3",
            "own pair"),
        Arguments.of(SCHEMA, "bad pull policy", "image:\n  pullPolicy: Sometimes", "pullPolicy"),
        Arguments.of(SCHEMA, "bad digest", "image:\n  digest: latest", "digest"),
        Arguments.of(SCHEMA, "bad log level", "logging:\n  level: LOUD", "level"),
        Arguments.of(
            SCHEMA,
            "writable root filesystem",
            "containerSecurityContext:\n  readOnlyRootFilesystem: false",
            "readOnlyRootFilesystem"),
        Arguments.of(
            SCHEMA,
            "privilege escalation",
            "containerSecurityContext:\n  allowPrivilegeEscalation: true",
            "allowPrivilegeEscalation"),
        Arguments.of(
            SCHEMA,
            "added capability",
            "containerSecurityContext:\n  capabilities:\n    drop: [ALL]\n    add: [NET_ADMIN]",
            "add"),
        Arguments.of(
            SCHEMA, "root pod", "podSecurityContext:\n  runAsNonRoot: false", "runAsNonRoot"),
        Arguments.of(
            SCHEMA,
            "no memory limit",
            "resources:\n  requests: {cpu: 100m, memory: 256Mi}\n  limits: null",
            "limits"),
        Arguments.of(
            SCHEMA,
            "property the chart owns",
            "extraProperties:\n  iothub.failover.quota-window: PT1M",
            "extraProperties"),
        Arguments.of(
            SCHEMA,
            "ServiceMonitor without Service",
            "metrics:\n  service:\n    enabled: false\n  serviceMonitor:\n    enabled: true",
            "metrics.service.enabled"),
        Arguments.of(
            SCHEMA,
            "existing ServiceAccount without name",
            "serviceAccount:\n  create: false",
            "serviceAccount.name"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void refused(boolean bySchema, String label, String values, String mentioned) throws IOException {
    Path file = tmp.resolve("values.yaml");
    Files.writeString(file, values + "\n");
    Helm helm = Helm.locate();

    Helm.Result template = helm.run(Helm.templateArgs(file));
    assertThat(template.exitCode()).as(template.describe()).isNotZero();
    assertThat(template.stderr()).as(template.describe()).contains(mentioned);

    Helm.Result lint = helm.run(Helm.lintArgs(file));
    if (bySchema) {
      assertThat(lint.exitCode()).as(lint.describe()).isNotZero();
      assertThat(lint.stdout() + lint.stderr()).as(lint.describe()).contains(mentioned);
    } else {
      assertThat(lint.stderr()).as(lint.describe()).contains("[INFO] Fail: ").contains(mentioned);
    }
  }
}
