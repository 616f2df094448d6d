package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a real API server with its garbage collector: a ClusterIP Service that already has the name of
 * a hub is not turned into the hub's endpoint, and is still there, unchanged, after the hub and
 * everything it owned are gone. (Before the ownership mark, the operator rewrote it into an
 * ExternalName Service with the hub as owner, and the garbage collector deleted it with the hub.)
 */
class OwnershipKubeIT {
  static final String NS = "ownership";
  static final String WEST = "ownership-westus2";
  static final String CENTRAL = "ownership-westcentralus";
  static final Duration WAIT = Duration.ofSeconds(90);

  static RealCluster cluster;
  static AutoCloseable kubelet;
  static OperatorProcess operator;

  @BeforeAll
  static void start() throws IOException {
    cluster = RealCluster.get();
    cluster.installCrds();
    cluster.createNamespaces(NS, WEST, CENTRAL);
    kubelet = cluster.playKubelet();
    Path properties = RealCluster.WORK.resolve("ownership.properties");
    Files.createDirectories(RealCluster.WORK);
    Files.writeString(
        properties,
        "quarkus.operator-sdk.namespaces="
            + NS
            + "\n"
            + "iothub.region-namespace-template=ownership-{region}\n"
            + "iothub.watched-region-namespaces="
            + WEST
            + ","
            + CENTRAL
            + "\n");
    operator = OperatorProcess.start("ownership", cluster.kubeconfig(), properties, Map.of());
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

  @Test
  void aServiceWithTheHubsNameIsNamedLeftAsItIsAndOutlivesTheHub() {
    Service web =
        cluster
            .admin()
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .withNamespace(NS)
                    .endMetadata()
                    .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(Map.of("app", "web"))
                    .addNewPort()
                    .withPort(80)
                    .endPort()
                    .endSpec()
                    .build())
            .create();
    cluster.apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: web, namespace: " + NS + "}",
            "spec:",
            "  location: westus2"));

    await().atMost(WAIT).until(() -> "NameConflict".equals(ready().getReason()));
    assertThat(ready().getStatus()).isEqualTo("False");
    assertThat(ready().getMessage())
        .startsWith("Service " + NS + "/web already exists")
        .contains("Rename or delete it");
    // The hub's own objects in its namespace exist (its CA): the garbage collector has something
    // to remove when the hub goes.
    await().atMost(WAIT).until(() -> secret("web-ca") != null);
    assertUnchanged(web);

    cluster.admin().resources(IoTHub.class).inNamespace(NS).withName("web").delete();

    await().atMost(WAIT).until(() -> hub() == null);
    // The garbage collector removes what the hub owned ...
    await().atMost(WAIT).until(() -> secret("web-ca") == null);
    // ... and the Service that was never the hub's stays as it was.
    assertUnchanged(web);
  }

  static void assertUnchanged(Service created) {
    Service now = cluster.admin().services().inNamespace(NS).withName("web").get();
    assertThat(now).isNotNull();
    assertThat(now.getMetadata().getResourceVersion())
        .isEqualTo(created.getMetadata().getResourceVersion());
    assertThat(now.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(now.getMetadata().getOwnerReferences()).isNullOrEmpty();
  }

  static IoTHub hub() {
    return cluster.admin().resources(IoTHub.class).inNamespace(NS).withName("web").get();
  }

  static Condition ready() {
    IoTHub h = hub();
    return h == null || h.getStatus() == null
        ? new Condition()
        : Conditions.find(h.getStatus().getConditions(), "Ready").orElse(new Condition());
  }

  static io.fabric8.kubernetes.api.model.Secret secret(String name) {
    return cluster.admin().secrets().inNamespace(NS).withName(name).get();
  }
}
