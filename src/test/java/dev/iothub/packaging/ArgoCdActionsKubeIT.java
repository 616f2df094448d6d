package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.iothub.kube.OperatorProcess;
import dev.iothub.kube.RealCluster;
import dev.iothub.packaging.ArgoCdActions.Action;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a real API server, with the packaged operator and the garbage collector: the request that the
 * Argo CD "failover" action returns passes the CRD's validation as Argo CD creates it, runs the
 * failover, greys the actions out until the interval has passed, and is deleted with its hub
 * (ownerReference). The live hub is read with kubectl -o json, as Argo CD reads it.
 */
class ArgoCdActionsKubeIT {
  static final String NS = "actions";
  static final String WEST = "actions-westus2";
  static final String CENTRAL = "actions-westcentralus";
  static final Duration WAIT = Duration.ofSeconds(90);

  static RealCluster cluster;
  static AutoCloseable kubelet;
  static OperatorProcess operator;
  static LuaHealthRunner lua;

  @BeforeAll
  static void start() throws IOException {
    cluster = RealCluster.get();
    List<LuaHealthRunner> runners = LuaHealthRunner.available();
    lua = runners.get(runners.size() - 1);
    cluster.installCrds();
    cluster.createNamespaces(NS, WEST, CENTRAL);
    kubelet = cluster.playKubelet();
    Path properties = RealCluster.WORK.resolve("actions.properties");
    Files.createDirectories(RealCluster.WORK);
    Files.writeString(
        properties,
        "quarkus.operator-sdk.namespaces="
            + NS
            + "\niothub.region-namespace-template=actions-{region}\n"
            + "iothub.watched-region-namespaces="
            + WEST
            + ","
            + CENTRAL
            + "\n");
    operator = OperatorProcess.start("actions", cluster.kubeconfig(), properties, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster == null) {
      return;
    }
    // The hubs first, while the operator runs (their finalizers clean the regions), then every
    // namespace in one call: the namespace controller waits about 5 s before each deletion.
    cluster.deleteHubs(NS);
    cluster.deleteNamespaces(WAIT, NS, WEST, CENTRAL);
    RealCluster.closeAll(operator, kubelet);
  }

  /** What Argo CD reads: the live object as JSON. */
  static Map<String, Object> live(String kind, String name) {
    Helm.Result r = cluster.kubectlResult("get", kind, name, "-n", NS, "-o", "json");
    if (!r.ok()) {
      return null;
    }
    try {
      return Manifests.YAML.readValue(r.stdout(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Action> hubActions() {
    return ArgoCdActions.discover(
        lua, "IoTHub", live("iothub", "contoso-hub"), Instant.now(), "contoso-hub");
  }

  static String phase(String request) {
    Map<String, Object> r = live("failoverrequest", request);
    return r == null ? null : Manifests.str(r, "status.phase");
  }

  @Test
  void theFailoverActionsRequestRunsAndGoesWithTheHub() {
    cluster.apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: contoso-hub, namespace: " + NS + "}",
            "spec:",
            "  location: westus2"));
    await().atMost(WAIT).until(() -> !hubActions().get("failover").disabled());
    assertThat(hubActions().get("failover").displayName())
        .isEqualTo("Fail over to West Central US");

    Map<String, Object> created =
        ArgoCdActions.run(
                lua, "IoTHub", "failover", live("iothub", "contoso-hub"), Instant.now(), "failover")
            .created();
    String name = Manifests.str(created, "metadata.name");
    cluster
        .admin()
        .resource(
            new KubernetesSerialization().convertValue(created, GenericKubernetesResource.class))
        .create();
    await().atMost(WAIT).until(() -> "Succeeded".equals(phase(name)));
    assertThat(Manifests.str(live("iothub", "contoso-hub"), "status.currentLocation.id"))
        .isEqualTo("westcentralus");

    // The minimum interval (1 hour) has not passed: both greyed out, with the time.
    await()
        .atMost(WAIT)
        .until(() -> hubActions().get("failback").displayName().contains("not before"));
    assertThat(hubActions().get("failback").disabled()).isTrue();
    assertThat(hubActions().get("failover").disabled()).isTrue();

    // The hub goes, and the garbage collector takes the request with it.
    cluster.kubectl("delete", "iothub", "contoso-hub", "-n", NS, "--wait=false");
    await().atMost(WAIT).until(() -> live("iothub", "contoso-hub") == null);
    await().atMost(WAIT).until(() -> live("failoverrequest", name) == null);
  }
}
