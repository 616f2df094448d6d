package dev.iothub.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.status.Conditions;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IoTHubProvisioningMockTest {
  private static final String NS = "manlfailrg";
  private static final String BROKER = "mqtt-contoso-hub-manlfailrg";
  private OperatorHarness h;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void provisionsActiveRegionAndColdStandbyAndStableEndpoint() {
    h.client().resource(h.load("fixtures/hub-westus2.yaml", IoTHub.class)).create();

    IoTHub hub = awaitReady("contoso-hub");
    assertThat(hub.getStatus().getState()).isEqualTo(HubState.Active);
    assertThat(hub.getStatus().getPrimaryLocation().getId()).isEqualTo("westus2");
    assertThat(hub.getStatus().getCurrentLocation().getDisplayName()).isEqualTo("West US 2");
    assertThat(hub.getStatus().getFailoverLocation().getDisplayName()).isEqualTo("West Central US");
    assertThat(hub.getStatus().getHostName()).isEqualTo("contoso-hub.manlfailrg.svc.cluster.local");
    assertThat(hub.getStatus().getObservedGeneration())
        .isEqualTo(hub.getMetadata().getGeneration());
    assertThat(hub.getStatus().getMessage()).isEqualTo("contoso-hub is running in West US 2.");

    assertThat(deployment("iothub-westus2").getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment("iothub-westcentralus").getSpec().getReplicas()).isZero();
    for (String ns : new String[] {"iothub-westus2", "iothub-westcentralus"}) {
      assertThat(h.client().configMaps().inNamespace(ns).withName(BROKER).get().getData())
          .containsKey("mosquitto.conf");
      assertThat(
              h.client()
                  .services()
                  .inNamespace(ns)
                  .withName(BROKER)
                  .get()
                  .getSpec()
                  .getPorts()
                  .get(0)
                  .getPort())
          .isEqualTo(8883);
    }
    Service endpoint = h.client().services().inNamespace(NS).withName("contoso-hub").get();
    assertThat(endpoint.getSpec().getType()).isEqualTo("ExternalName");
    assertThat(endpoint.getSpec().getExternalName())
        .isEqualTo(BROKER + ".iothub-westus2.svc.cluster.local");
  }

  private Deployment deployment(String ns) {
    return h.client().apps().deployments().inNamespace(ns).withName(BROKER).get();
  }

  private IoTHub awaitReady(String name) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              IoTHub hub = h.hub(NS, name);
              return hub.getStatus() != null
                  && Conditions.isTrue(hub.getStatus().getConditions(), "Ready");
            });
    return h.hub(NS, name);
  }
}
