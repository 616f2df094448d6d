package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.packaging.Helm;
import dev.iothub.packaging.Project;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The rights the operator's ServiceAccount must have (what the operator really does, docs/
 * operations.md "RBAC, rule by rule") and a list of rights it must not have, as can-i questions for
 * {@link AccessReview}; and the short tutorial that proves the rights suffice.
 */
final class OperatorRights {
  static final String RELEASE_NS = Helm.NAMESPACE;
  static final String LEASE = "iothub-operator-leader";
  static final List<String> TUTORIAL_REGIONS = List.of("iothub-westus2", "iothub-westcentralus");
  static final Duration WAIT = Duration.ofSeconds(60);

  static final List<String> CRS =
      List.of(
          "iothubs.iothub.dev",
          "failoverrequests.iothub.dev",
          "devices.iothub.dev",
          "deviceimports.iothub.dev");
  static final List<String> REGION_KINDS =
      List.of("deployments.apps", "services", "configmaps", "secrets");

  private OperatorRights() {}

  /** A namespace nobody mentions, different in every run. */
  static String randomNamespace() {
    return "other-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
  }

  /**
   * What the operator does, and so must be allowed. The operator is configured to watch the hub
   * namespaces only; RBAC gives it its own custom resources in every namespace.
   */
  static List<String> must(List<String> hubNamespaces, List<String> regionNamespaces) {
    List<String> q = new ArrayList<>();
    // Its own custom resources everywhere (no create or delete), so that deleting a hub namespace,
    // which deletes the operator's Role there too, can still release the finalizers.
    for (String cr : CRS) {
      for (String verb : List.of("get", "list", "watch", "patch", "update")) {
        q.add(verb + " " + cr);
      }
      q.add("update " + cr.substring(0, cr.indexOf('.')) + ".iothub.dev/finalizers");
    }
    for (String ns : hubNamespaces) {
      for (String cr : CRS) {
        for (String verb : List.of("get", "list", "watch", "patch", "update")) {
          q.add(verb + " " + cr + " -n " + ns);
        }
        String plural = cr.substring(0, cr.indexOf('.'));
        for (String verb : List.of("get", "update", "patch")) {
          q.add(verb + " " + plural + ".iothub.dev/status -n " + ns);
        }
        q.add("update " + plural + ".iothub.dev/finalizers -n " + ns);
      }
      for (String verb : List.of("get", "create", "update", "delete")) {
        q.add(verb + " services -n " + ns);
        q.add(verb + " secrets -n " + ns);
      }
      q.add("create events -n " + ns);
      q.add("patch events -n " + ns);
    }
    for (String ns : regionNamespaces) {
      for (String kind : REGION_KINDS) {
        for (String verb :
            List.of("get", "list", "watch", "create", "update", "delete", "deletecollection")) {
          q.add(verb + " " + kind + " -n " + ns);
        }
      }
      // The registry's fence: a merge patch of one annotation per shard.
      q.add("patch secrets -n " + ns);
      q.add("get namespaces " + ns);
    }
    q.add("create leases.coordination.k8s.io -n " + RELEASE_NS);
    for (String verb : List.of("get", "update", "patch")) {
      q.add(verb + " leases.coordination.k8s.io " + LEASE + " -n " + RELEASE_NS);
    }
    return q;
  }

  /**
   * What the operator must never be able to do. {@code foreign}: namespaces that are neither hub
   * nor region namespaces (kube-system, default, the release namespace, ...).
   */
  static List<String> mustNot(
      List<String> hubNamespaces, List<String> regionNamespaces, List<String> foreign) {
    List<String> q = new ArrayList<>();
    // Secrets (and everything else of the operator's) outside its hub and region namespaces.
    for (String ns : foreign) {
      for (String verb : List.of("get", "list", "watch", "create", "update", "delete")) {
        q.add(verb + " secrets -n " + ns);
      }
      q.add("get secrets iothub-operator-token -n " + ns);
      q.add("list configmaps -n " + ns);
      q.add("create services -n " + ns);
      q.add("create deployments.apps -n " + ns);
      q.add("create iothubs.iothub.dev -n " + ns);
      q.add("create failoverrequests.iothub.dev -n " + ns);
    }
    // Secrets of the hub namespaces: by name only, never listed or watched.
    for (String ns : hubNamespaces) {
      q.add("list secrets -n " + ns);
      q.add("watch secrets -n " + ns);
      q.add("create iothubs.iothub.dev -n " + ns);
      q.add("delete iothubs.iothub.dev -n " + ns);
      q.add("list pods -n " + ns);
    }
    // Cluster-wide: no read of Secrets, no write of anything, namespaced or not.
    for (String verb : List.of("get", "list", "watch")) {
      q.add(verb + " secrets");
    }
    for (String resource :
        List.of(
            "namespaces",
            "nodes",
            "persistentvolumes",
            "clusterroles.rbac.authorization.k8s.io",
            "clusterrolebindings.rbac.authorization.k8s.io",
            "customresourcedefinitions.apiextensions.k8s.io",
            "validatingwebhookconfigurations.admissionregistration.k8s.io",
            "mutatingwebhookconfigurations.admissionregistration.k8s.io",
            "priorityclasses.scheduling.k8s.io",
            "storageclasses.storage.k8s.io",
            "certificatesigningrequests.certificates.k8s.io",
            // namespaced kinds, asked for all namespaces at once
            "secrets",
            "services",
            "configmaps",
            "deployments.apps",
            "leases.coordination.k8s.io")) {
      for (String verb : List.of("create", "update", "patch", "delete", "deletecollection")) {
        q.add(verb + " " + resource);
      }
    }
    // Its own custom resources: updated everywhere (above), but never created or deleted.
    for (String cr : CRS) {
      for (String verb : List.of("create", "delete", "deletecollection")) {
        q.add(verb + " " + cr);
      }
    }
    q.add("list namespaces");
    q.add("get namespaces kube-system");
    for (String ns : regionNamespaces) {
      q.add("delete namespaces " + ns);
      q.add("update namespaces " + ns);
    }
    for (String ns : hubNamespaces) {
      q.add("delete namespaces " + ns);
    }
    q.add("update certificatesigningrequests.certificates.k8s.io/approval");
    // RBAC escalation: no roles or bindings, no escalate, bind or impersonate, no tokens.
    List<String> everywhere = new ArrayList<>(hubNamespaces);
    everywhere.addAll(regionNamespaces);
    everywhere.add(RELEASE_NS);
    for (String ns : everywhere) {
      q.add("create roles.rbac.authorization.k8s.io -n " + ns);
      q.add("update roles.rbac.authorization.k8s.io -n " + ns);
      q.add("create rolebindings.rbac.authorization.k8s.io -n " + ns);
      q.add("escalate roles.rbac.authorization.k8s.io -n " + ns);
      q.add("bind roles.rbac.authorization.k8s.io -n " + ns);
      q.add("bind clusterroles.rbac.authorization.k8s.io -n " + ns);
      q.add("create serviceaccounts -n " + ns);
      q.add("create serviceaccounts/token -n " + ns);
      // Pods: neither run one nor get into one.
      q.add("create pods -n " + ns);
      q.add("create pods/exec -n " + ns);
      q.add("get pods/exec -n " + ns);
      q.add("create pods/attach -n " + ns);
      q.add("create pods/portforward -n " + ns);
      q.add("get pods/log -n " + ns);
    }
    q.add("escalate clusterroles.rbac.authorization.k8s.io");
    q.add("bind clusterroles.rbac.authorization.k8s.io");
    q.add("impersonate users");
    q.add("impersonate groups");
    q.add("impersonate serviceaccounts -n " + RELEASE_NS);
    q.add("impersonate serviceaccounts -n kube-system");
    q.add("impersonate uids.authentication.k8s.io");
    q.add("get nodes/proxy");
    // Its own install: the operator cannot change its Deployment, configuration or account.
    q.add("update deployments.apps iothub-operator -n " + RELEASE_NS);
    q.add("patch deployments.apps iothub-operator -n " + RELEASE_NS);
    q.add("update configmaps iothub-operator-config -n " + RELEASE_NS);
    // Leases: its own, nobody else's.
    q.add("update leases.coordination.k8s.io someone-elses-lease -n " + RELEASE_NS);
    q.add("delete leases.coordination.k8s.io " + LEASE + " -n " + RELEASE_NS);
    q.add("list leases.coordination.k8s.io -n " + RELEASE_NS);
    q.add("update leases.coordination.k8s.io kube-controller-manager -n kube-system");
    return q;
  }

  /** Namespaces that are neither hub nor region namespaces, for {@link #mustNot}. */
  static List<String> foreign(String... more) {
    List<String> ns = new ArrayList<>(List.of("kube-system", "kube-public", "default", RELEASE_NS));
    ns.add(randomNamespace());
    ns.addAll(List.of(more));
    return ns;
  }

  /** The Azure tutorial's hub, in another namespace if asked. */
  static String hubYaml(String namespace) {
    return Project.read("examples/tutorial/01-hub.yaml")
        .replace("namespace: manlfailrg", "namespace: " + namespace);
  }

  static IoTHub hub(RealCluster cluster, String namespace) {
    return cluster
        .admin()
        .resources(IoTHub.class)
        .inNamespace(namespace)
        .withName("contoso-hub")
        .get();
  }

  /** Waits until the hub is Active and Ready with no operation running. */
  static IoTHub awaitActive(RealCluster cluster, String namespace, OperatorProcess operator) {
    await()
        .atMost(WAIT)
        .failFast("operator exited", () -> !operator.alive())
        .until(
            () -> {
              IoTHub h = hub(cluster, namespace);
              return h != null
                  && h.getStatus() != null
                  && h.getStatus().getOperation() == null
                  && h.getStatus().getState() == HubState.Active;
            });
    return hub(cluster, namespace);
  }

  /**
   * The tutorial, short: the hub in West US 2 becomes Active, a Device is registered and its key
   * Secret created, a failover to West Central US succeeds.
   */
  static void shortTutorial(RealCluster cluster, String namespace, OperatorProcess operator) {
    cluster.apply(hubYaml(namespace));
    IoTHub hub = awaitActive(cluster, namespace, operator);
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westus2");

    cluster.apply(
        Project.read("examples/tutorial/04-devices.yaml")
            .replace("namespace: manlfailrg", "namespace: " + namespace));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Device d =
                  cluster
                      .admin()
                      .resources(Device.class)
                      .inNamespace(namespace)
                      .withName("thermostat-1")
                      .get();
              return d.getStatus() != null && Boolean.TRUE.equals(d.getStatus().getRegistered());
            });
    assertThat(cluster.admin().secrets().inNamespace(namespace).withName("thermostat-1-key").get())
        .isNotNull();

    cluster.apply(
        Project.read("examples/tutorial/02-failover.yaml")
            .replace("namespace: manlfailrg", "namespace: " + namespace));
    await()
        .atMost(WAIT)
        .failFast("operator exited", () -> !operator.alive())
        .until(
            () -> {
              FailoverRequest r =
                  cluster
                      .admin()
                      .resources(FailoverRequest.class)
                      .inNamespace(namespace)
                      .withName("contoso-hub-failover-1")
                      .get();
              return r != null
                  && r.getStatus() != null
                  && r.getStatus().getPhase() != null
                  && r.getStatus().getPhase().isTerminal();
            });
    FailoverRequest done =
        cluster
            .admin()
            .resources(FailoverRequest.class)
            .inNamespace(namespace)
            .withName("contoso-hub-failover-1")
            .get();
    assertThat(done.getStatus().getPhase())
        .as(done.getStatus().getReason() + ": " + done.getStatus().getMessage())
        .isEqualTo(RequestPhase.Succeeded);
    assertThat(awaitActive(cluster, namespace, operator).getStatus().getCurrentLocation().getId())
        .isEqualTo("westcentralus");
  }

  /**
   * Environment of the operator under test: its own categories at DEBUG, so that a refusal it
   * tolerates (an Event it could not record is logged at DEBUG) shows in the log as well.
   */
  static final Map<String, String> DEBUG =
      Map.of("QUARKUS_LOG_CATEGORY__DEV_IOTHUB__LEVEL", "DEBUG");

  /**
   * The operator recorded Events on the hub (it tolerates a refused Event, so the log alone would
   * not tell).
   */
  static void assertEventsRecorded(RealCluster cluster, String namespace) {
    // The Event follows the status write that the caller waited for.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(cluster.admin().v1().events().inNamespace(namespace).list().getItems())
                    .filteredOn(e -> "contoso-hub".equals(e.getInvolvedObject().getName()))
                    .filteredOn(e -> "iothub-operator".equals(e.getSource().getComponent()))
                    .as("Events the operator recorded on contoso-hub in %s", namespace)
                    .isNotEmpty());
  }

  /** The operator met no refusal of the API server. */
  static void assertNoRefusal(OperatorProcess operator) {
    assertThat(operator.log().lines().filter(l -> l.toLowerCase(Locale.ROOT).contains("forbidden")))
        .as("refusals (403) in the operator's log")
        .isEmpty();
  }

  /**
   * The operator, ready, holds its Lease: leader election works with the granted rights. (The
   * elector names itself by HOSTNAME or a random id, not by POD_NAME: the holder is checked by the
   * time it was taken.)
   */
  static void assertLeads(RealCluster cluster, Instant startedAfter) {
    // Readiness and the first Lease write race each other: the elector's first try may come a
    // moment after the health check turned UP.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                cluster.admin().resources(Lease.class).inNamespace(RELEASE_NS).withName(LEASE).get()
                    != null);
    Lease lease =
        cluster.admin().resources(Lease.class).inNamespace(RELEASE_NS).withName(LEASE).get();
    assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
    assertThat(lease.getSpec().getAcquireTime().toInstant())
        .as("acquired by the operator just started")
        .isAfter(startedAfter.minusSeconds(2));
  }

  /** Waits until earlier tests' namespaces are gone, so that this class starts clean. */
  static void awaitGone(RealCluster cluster, String... namespaces) {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              for (String n : namespaces) {
                if (cluster.admin().namespaces().withName(n).get() != null) {
                  return false;
                }
              }
              return true;
            });
  }
}
