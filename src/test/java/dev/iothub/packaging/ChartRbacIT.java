package dev.iothub.packaging;

import static dev.iothub.packaging.Manifests.list;
import static dev.iothub.packaging.Manifests.str;
import static dev.iothub.packaging.Manifests.strings;
import static dev.iothub.packaging.Rbac.CLUSTER;
import static dev.iothub.packaging.Rbac.perms;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.packaging.Rbac.Permission;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's RBAC is least privilege: exactly the permissions the operator uses (written down
 * here, one by one), no wildcard, no built-in role, nothing that grants more rights.
 */
class ChartRbacIT {
  static final Path NAMESPACED =
      Project.path("src/test/resources/packaging/values/namespaced.yaml");
  static final Path SINGLE =
      Project.path("src/test/resources/packaging/values/single-no-leader.yaml");
  static final Path WATCH_ALL = Project.path("src/test/resources/packaging/values/watch-all.yaml");

  static final List<String> CR_VERBS = List.of("get", "list", "watch", "patch", "update");
  static final List<String> STATUS_VERBS = List.of("get", "update", "patch");
  static final List<String> REGION_VERBS =
      List.of("get", "list", "watch", "create", "update", "delete", "deletecollection");

  static Helm helm;
  static Manifests defaults;
  static Manifests namespaced;
  static Manifests single;
  static Manifests watchAll;

  @BeforeAll
  static void render() {
    helm = Helm.locate();
    defaults = helm.template();
    namespaced = helm.template(NAMESPACED);
    single = helm.template(SINGLE);
    watchAll = helm.template(WATCH_ALL);
  }

  static Stream<Arguments> renderings() {
    return Stream.of(
        Arguments.of("default values", defaults),
        Arguments.of("namespaced.yaml", namespaced),
        Arguments.of("single-no-leader.yaml", single),
        Arguments.of("watch-all.yaml", watchAll));
  }

  /**
   * What the operator does with its own custom resources, cluster-wide: it keeps these rights while
   * a hub namespace (and the operator's Role in it) is being deleted, so that it can release the
   * finalizers. No create or delete.
   */
  static List<Permission> customResources() {
    String scope = CLUSTER;
    List<Permission> p = new ArrayList<>();
    p.addAll(
        perms(
            scope,
            "iothub.dev",
            List.of("iothubs", "failoverrequests", "devices", "deviceimports"),
            CR_VERBS));
    p.addAll(
        perms(
            scope,
            "iothub.dev",
            List.of(
                "iothubs/status",
                "failoverrequests/status",
                "devices/status",
                "deviceimports/status"),
            STATUS_VERBS));
    p.addAll(
        perms(
            scope,
            "iothub.dev",
            List.of(
                "iothubs/finalizers",
                "failoverrequests/finalizers",
                "devices/finalizers",
                "deviceimports/finalizers"),
            List.of("update")));
    return p;
  }

  /** What the operator does in a namespace that holds IoTHubs (besides the custom resources). */
  static List<Permission> hubNamespace(String scope) {
    List<Permission> p = new ArrayList<>();
    p.addAll(perms(scope, "", List.of("services"), List.of("get", "create", "update", "delete")));
    // Device keys (read a named one, create and delete generated ones) and the hub's CA, server
    // certificate (updated when reissued) and service credentials.
    p.addAll(perms(scope, "", List.of("secrets"), List.of("get", "create", "update", "delete")));
    p.addAll(perms(scope, "", List.of("events"), List.of("create", "patch")));
    // The DNSEndpoint of a hub with a public host name (spec.endpoint), for ExternalDNS.
    p.addAll(
        perms(
            scope,
            "externaldns.k8s.io",
            List.of("dnsendpoints"),
            List.of("get", "create", "update", "delete")));
    return p;
  }

  /** What the operator does in a region namespace: the brokers. */
  static List<Permission> regionNamespace(String namespace) {
    List<Permission> p = new ArrayList<>();
    p.addAll(perms(namespace, "apps", List.of("deployments"), REGION_VERBS));
    p.addAll(perms(namespace, "", List.of("services", "configmaps", "secrets"), REGION_VERBS));
    // The registry's fence: a merge patch of one annotation per shard.
    p.addAll(perms(namespace, "", List.of("secrets"), List.of("patch")));
    return p;
  }

  static List<Permission> namespaceGet(String namespace) {
    return perms(CLUSTER, "", List.of("namespaces"), namespace, List.of("get"));
  }

  static List<Permission> lease(String name) {
    List<Permission> p = new ArrayList<>();
    p.addAll(perms(Helm.NAMESPACE, "coordination.k8s.io", List.of("leases"), List.of("create")));
    p.addAll(
        perms(
            Helm.NAMESPACE,
            "coordination.k8s.io",
            List.of("leases"),
            name,
            List.of("get", "update", "patch")));
    return p;
  }

  @Test
  void defaultValuesGrantExactlyWhatTheOperatorUses() {
    Set<Permission> expected = new TreeSet<>(customResources());
    expected.addAll(hubNamespace("manlfailrg"));
    for (String ns : List.of("iothub-westus2", "iothub-westcentralus")) {
      expected.addAll(regionNamespace(ns));
      expected.addAll(namespaceGet(ns));
    }
    expected.addAll(lease("iothub-operator-leader"));

    assertThat(Rbac.granted(defaults, Helm.NAMESPACE, "iothub-operator"))
        .containsExactlyElementsOf(expected);
  }

  @Test
  void listedHubNamespacesGetRolesAndNothingClusterWideButNamespaceReadsAndTheCustomResources() {
    Set<Permission> expected = new TreeSet<>(customResources());
    for (String ns : List.of("manlfailrg", "contoso-prod")) {
      expected.addAll(hubNamespace(ns));
    }
    for (String ns :
        List.of("hubs-westus2", "hubs-westcentralus", "hubs-westus3", "hubs-eastus", "edge-one")) {
      expected.addAll(regionNamespace(ns));
      expected.addAll(namespaceGet(ns));
    }
    expected.addAll(lease("hubs-operator-lease"));

    Set<Permission> granted = Rbac.granted(namespaced, Helm.NAMESPACE, "iothub-operator");
    assertThat(granted).containsExactlyElementsOf(expected);
    assertThat(granted)
        .filteredOn(p -> p.scope().equals(CLUSTER))
        .filteredOn(p -> !p.group().equals("iothub.dev"))
        .allSatisfy(
            p -> {
              assertThat(p.resource()).isEqualTo("namespaces");
              assertThat(p.name()).isNotEmpty();
              assertThat(p.verb()).isEqualTo("get");
            });
    // Its own custom resources cluster-wide, but never created or deleted.
    assertThat(granted)
        .filteredOn(p -> p.group().equals("iothub.dev"))
        .isNotEmpty()
        .noneMatch(p -> List.of("create", "delete", "deletecollection").contains(p.verb()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("listedRenderings")
  void secretsAreNeverClusterWideUnlessWatchingAllNamespacesIsChosen(
      String label, Manifests m, String serviceAccount) {
    for (Map<String, Object> role : m.ofKind("ClusterRole")) {
      for (Object rule : list(role, "rules")) {
        assertThat(strings(rule, "resources"))
            .as("ClusterRole %s", str(role, "metadata.name"))
            .doesNotContain("secrets");
      }
    }
    assertThat(Rbac.granted(m, Helm.NAMESPACE, serviceAccount))
        .filteredOn(p -> p.resource().equals("secrets"))
        .isNotEmpty()
        .noneMatch(p -> p.scope().equals(CLUSTER))
        .noneMatch(p -> p.scope().equals(Helm.NAMESPACE));
  }

  static Stream<Arguments> listedRenderings() {
    return Stream.of(
        Arguments.of("default values", defaults, "iothub-operator"),
        Arguments.of("namespaced.yaml", namespaced, "iothub-operator"),
        Arguments.of("single-no-leader.yaml", single, "iothub-operator-sa"));
  }

  @Test
  void watchingAllNamespacesGrantsTheHubRulesClusterWide() {
    Set<Permission> expected = new TreeSet<>(customResources());
    expected.addAll(hubNamespace(CLUSTER));
    for (String ns : List.of("iothub-westus2", "iothub-westcentralus")) {
      expected.addAll(regionNamespace(ns));
      expected.addAll(namespaceGet(ns));
    }
    expected.addAll(lease("iothub-operator-leader"));

    assertThat(Rbac.granted(watchAll, Helm.NAMESPACE, "iothub-operator"))
        .containsExactlyElementsOf(expected);
    assertThat(watchAll.ofKind("Role")).noneMatch(r -> str(r, "metadata.name").endsWith("-hub"));
  }

  @Test
  void withoutLeaderElectionNoLeaseRightsAndAnExistingServiceAccountIsBound() {
    Set<Permission> expected = new TreeSet<>(customResources());
    expected.addAll(hubNamespace("manlfailrg"));
    for (String ns : List.of("iothub-westus2", "iothub-westcentralus")) {
      expected.addAll(regionNamespace(ns));
      expected.addAll(namespaceGet(ns));
    }
    assertThat(single.ofKind("ServiceAccount")).isEmpty();
    assertThat(Rbac.granted(single, Helm.NAMESPACE, "iothub-operator-sa"))
        .containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void noWildcardsAndNoRightsThatGrantMoreRights(String label, Manifests m) {
    List<Map<String, Object>> roles = new ArrayList<>(m.ofKind("ClusterRole"));
    roles.addAll(m.ofKind("Role"));
    assertThat(roles).isNotEmpty();
    for (Map<String, Object> role : roles) {
      String name = role.get("kind") + " " + str(role, "metadata.name");
      assertThat(role).as(name).doesNotContainKey("aggregationRule");
      for (Object rule : list(role, "rules")) {
        assertThat(strings(rule, "apiGroups")).as(name + " apiGroups").doesNotContain("*");
        assertThat(strings(rule, "resources"))
            .as(name + " resources")
            .isNotEmpty()
            .noneMatch(r -> r.contains("*"))
            .doesNotContainAnyElementsOf(
                List.of(
                    "roles",
                    "clusterroles",
                    "rolebindings",
                    "clusterrolebindings",
                    "serviceaccounts",
                    "serviceaccounts/token",
                    "pods",
                    "pods/exec",
                    "pods/attach",
                    "pods/portforward",
                    "nodes",
                    "nodes/proxy",
                    "customresourcedefinitions",
                    "mutatingwebhookconfigurations",
                    "validatingwebhookconfigurations",
                    "certificatesigningrequests",
                    "persistentvolumes"));
        assertThat(strings(rule, "verbs"))
            .as(name + " verbs")
            .doesNotContain("*", "escalate", "bind", "impersonate");
        assertThat(strings(rule, "resourceNames")).as(name + " resourceNames").doesNotContain("*");
        assertThat(Manifests.at(rule, "nonResourceURLs")).as(name + " nonResourceURLs").isNull();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void bindingsOnlyReferToTheChartsOwnRoles(String label, Manifests m) {
    List<Map<String, Object>> bindings = new ArrayList<>(m.ofKind("ClusterRoleBinding"));
    bindings.addAll(m.ofKind("RoleBinding"));
    assertThat(bindings).isNotEmpty();
    for (Map<String, Object> b : bindings) {
      String roleName = str(b, "roleRef.name");
      assertThat(roleName)
          .as("binding %s", str(b, "metadata.name"))
          .isNotIn("cluster-admin", "admin", "edit", "view")
          .doesNotStartWith("system:");
      if ("ClusterRole".equals(str(b, "roleRef.kind"))) {
        m.get("ClusterRole", roleName);
        assertThat(str(b, "kind"))
            .as("a ClusterRole is bound cluster-wide only by a ClusterRoleBinding")
            .isEqualTo("ClusterRoleBinding");
      } else {
        assertThat(str(b, "roleRef.kind")).isEqualTo("Role");
        m.get("Role", str(b, "metadata.namespace"), roleName);
      }
      assertThat(list(b, "subjects"))
          .hasSize(1)
          .allSatisfy(s -> assertThat(str(s, "kind")).isEqualTo("ServiceAccount"));
    }
  }
}
