package dev.iothub.embedded;

import static dev.iothub.testing.HubFixtures.CONTOSO_BROKER;
import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.hub.BrokerResources;
import dev.iothub.operator.region.Region;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The playground's SIMULATED kubelet with real brokers: a broker Deployment runs as a local
 * mosquitto while it has replicas, counts as available only while that process lives, comes back
 * after a crash, and stops with the Deployment; the hub's host name resolves through its
 * ExternalName endpoint to the running pod; a pod that cannot start is not reported available.
 */
class LocalMosquittoPodsIT {
  private OperatorHarness h;

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void theActiveRegionsBrokerRunsIsReachedThroughTheHubsNameAndComesBackAfterACrash()
      throws Exception {
    h = OperatorHarness.start();
    LocalMosquittoPods pods = LocalMosquittoPods.create(h.client());
    h.kubelet().runPods(pods);
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    IoTHub hub = new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml");

    LocalMosquittoPods.Endpoint west = pods.pod("iothub-westus2", CONTOSO_BROKER).orElseThrow();
    assertThat(pods.pod("iothub-westcentralus", CONTOSO_BROKER))
        .as("standby: 0 replicas")
        .isEmpty();
    assertThat(pods.resolve(hub.getStatus().getHostName())).contains(west);
    assertThat(pods.resolve("contoso-hub.elsewhere.svc.cluster.local")).isEmpty();
    assertThat(available("iothub-westus2")).isEqualTo(2);

    // A crashed broker is replaced on the kubelet's next sync, as a container restart would.
    new ProcessBuilder("kill", "-KILL", Long.toString(west.pid())).start().waitFor();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                pods.pod("iothub-westus2", CONTOSO_BROKER)
                    .map(e -> e.pid() != west.pid())
                    .orElse(false));
    await().atMost(Duration.ofSeconds(10)).until(() -> available("iothub-westus2") == 2);
    assertThat(ProcessHandle.of(west.pid()).map(ProcessHandle::isAlive))
        .isNotEqualTo(Optional.of(true));

    // The hub deleted: its Deployments go, and so do their processes.
    long pid = pods.pod("iothub-westus2", CONTOSO_BROKER).orElseThrow().pid();
    h.client().resource(hub).delete();
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> pods.pod("iothub-westus2", CONTOSO_BROKER).isEmpty());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void aPodThatCannotStartLeavesItsDeploymentUnavailable() throws IOException {
    h = OperatorHarness.withoutOperator(OperatorHarness.testSettings());
    LocalMosquittoPods pods = LocalMosquittoPods.create(h.client());
    h.kubelet().runPods(pods);
    h.createNamespaces(NS, "iothub-westus2");
    IoTHub hub = h.load("fixtures/hub-westus2.yaml", IoTHub.class);
    hub.getMetadata().setNamespace(NS);
    Region west = h.settings().regions().find("westus2").orElseThrow();
    // The Deployment alone: its ConfigMap, TLS Secret and fragments were never written.
    h.client().resource(BrokerResources.deployment(hub, west, 1)).create();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Deployment d = deployment("iothub-westus2");
              return d.getStatus() != null && d.getStatus().getObservedGeneration() != null;
            });
    Deployment d = deployment("iothub-westus2");
    assertThat(d.getStatus().getReplicas()).isEqualTo(1);
    assertThat(d.getStatus().getAvailableReplicas()).isZero();
    assertThat(pods.pod("iothub-westus2", CONTOSO_BROKER)).isEmpty();
  }

  private Deployment deployment(String namespace) {
    return h.client().apps().deployments().inNamespace(namespace).withName(CONTOSO_BROKER).get();
  }

  private int available(String namespace) {
    Deployment d = deployment(namespace);
    return d.getStatus() == null || d.getStatus().getAvailableReplicas() == null
        ? 0
        : d.getStatus().getAvailableReplicas();
  }
}
