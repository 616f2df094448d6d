package dev.iothub.packaging;

import static dev.iothub.packaging.Manifests.list;
import static dev.iothub.packaging.Manifests.str;
import static dev.iothub.packaging.Manifests.strings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a ServiceAccount may do according to rendered RBAC objects, flattened into single
 * permissions: where (a namespace, or "cluster" for a ClusterRoleBinding), API group, resource,
 * resource name (empty: any) and verb.
 */
final class Rbac {
  static final String CLUSTER = "cluster";

  record Permission(String scope, String group, String resource, String name, String verb)
      implements Comparable<Permission> {
    @Override
    public String toString() {
      return scope
          + " "
          + (group.isEmpty() ? "core" : group)
          + "/"
          + resource
          + (name.isEmpty() ? "" : "[" + name + "]")
          + " "
          + verb;
    }

    @Override
    public int compareTo(Permission o) {
      return toString().compareTo(o.toString());
    }
  }

  private Rbac() {}

  /** Every permission granted to the ServiceAccount by the bindings among the manifests. */
  static Set<Permission> granted(Manifests m, String saNamespace, String saName) {
    Set<Permission> result = new TreeSet<>();
    for (String bindingKind : List.of("ClusterRoleBinding", "RoleBinding")) {
      for (Map<String, Object> binding : m.ofKind(bindingKind)) {
        boolean toAccount =
            list(binding, "subjects").stream()
                .anyMatch(
                    s ->
                        "ServiceAccount".equals(str(s, "kind"))
                            && saName.equals(str(s, "name"))
                            && saNamespace.equals(str(s, "namespace")));
        if (!toAccount) {
          continue;
        }
        String roleKind = str(binding, "roleRef.kind");
        String roleName = str(binding, "roleRef.name");
        String scope =
            "ClusterRoleBinding".equals(bindingKind) ? CLUSTER : str(binding, "metadata.namespace");
        Map<String, Object> role =
            "ClusterRole".equals(roleKind)
                ? m.get("ClusterRole", roleName)
                : m.get("Role", scope, roleName);
        result.addAll(expand(scope, role));
      }
    }
    return result;
  }

  static List<Permission> expand(String scope, Map<String, Object> role) {
    List<Permission> result = new ArrayList<>();
    for (Object rule : list(role, "rules")) {
      List<String> names = strings(rule, "resourceNames");
      for (String group : strings(rule, "apiGroups")) {
        for (String resource : strings(rule, "resources")) {
          for (String verb : strings(rule, "verbs")) {
            if (names.isEmpty()) {
              result.add(new Permission(scope, group, resource, "", verb));
            } else {
              for (String name : names) {
                result.add(new Permission(scope, group, resource, name, verb));
              }
            }
          }
        }
      }
    }
    return result;
  }

  /** All combinations, for writing the expected permissions down. */
  static List<Permission> perms(
      String scope, String group, List<String> resources, List<String> verbs) {
    return perms(scope, group, resources, "", verbs);
  }

  static List<Permission> perms(
      String scope, String group, List<String> resources, String name, List<String> verbs) {
    List<Permission> result = new ArrayList<>();
    for (String resource : resources) {
      for (String verb : verbs) {
        result.add(new Permission(scope, group, resource, name, verb));
      }
    }
    return result;
  }
}
