package dev.iothub.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.status.Conditions;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IoTHubProvisioningMockTest {
  private static final String NS = "manlfailrg";
  private static final String BROKER = "mqtt-contoso-hub-manlfailrg-8056206a";
  private static final String WEST = "iothub-westus2";
  private static final String WEST_CENTRAL = "iothub-westcentralus";
  private OperatorHarness h;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void provisionsActiveRegionAndColdStandbyAndStableEndpoint() {
    h.createNamespaces(WEST, WEST_CENTRAL);
    createHub("fixtures/hub-westus2.yaml");

    IoTHub hub = awaitReady("contoso-hub");
    assertThat(hub.getStatus().getState()).isEqualTo(HubState.Active);
    assertThat(hub.getStatus().getPrimaryLocation().getId()).isEqualTo("westus2");
    assertThat(hub.getStatus().getCurrentLocation().getDisplayName()).isEqualTo("West US 2");
    assertThat(hub.getStatus().getFailoverLocation().getDisplayName()).isEqualTo("West Central US");
    assertThat(hub.getStatus().getHostName()).isEqualTo("contoso-hub.manlfailrg.svc.cluster.local");
    assertThat(hub.getStatus().getObservedGeneration())
        .isEqualTo(hub.getMetadata().getGeneration());
    assertThat(hub.getStatus().getMessage()).isEqualTo("contoso-hub is running in West US 2.");
    assertThat(hub.getMetadata().getFinalizers()).isNotEmpty();

    assertThat(deployment(WEST).getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment(WEST_CENTRAL).getSpec().getReplicas()).isZero();
    for (String ns : List.of(WEST, WEST_CENTRAL)) {
      assertThat(h.client().configMaps().inNamespace(ns).withName(BROKER).get().getData())
          .containsKey("mosquitto.conf");
      Service broker = h.client().services().inNamespace(ns).withName(BROKER).get();
      assertThat(broker.getSpec().getPorts().get(0).getPort()).isEqualTo(8883);
      assertThat(broker.getMetadata().getLabels())
          .containsEntry(HubNames.HUB_NAME, "contoso-hub")
          .containsEntry(HubNames.HUB_NAMESPACE, NS);
    }
    Service endpoint = h.client().services().inNamespace(NS).withName("contoso-hub").get();
    assertThat(endpoint.getSpec().getType()).isEqualTo("ExternalName");
    assertThat(endpoint.getSpec().getExternalName())
        .isEqualTo(BROKER + ".iothub-westus2.svc.cluster.local");
    assertThat(endpoint.getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(hub.getMetadata().getUid());
    assertThat(events()).extracting(Event::getReason).contains("BrokerAvailable");
  }

  @Test
  void replicasChangeReachesOnlyTheActiveRegion() {
    h.createNamespaces(WEST, WEST_CENTRAL);
    createHub("fixtures/hub-westus2.yaml");
    awaitReady("contoso-hub");
    String standbyVersion = deployment(WEST_CENTRAL).getMetadata().getResourceVersion();

    IoTHub hub = h.hub(NS, "contoso-hub");
    hub.getSpec().getBroker().setReplicas(3);
    h.client().resource(hub).update();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> deployment(WEST).getSpec().getReplicas() == 3);
    assertThat(deployment(WEST_CENTRAL).getSpec().getReplicas()).isZero();
    assertThat(deployment(WEST_CENTRAL).getMetadata().getResourceVersion())
        .isEqualTo(standbyVersion);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                h.hub(NS, "contoso-hub").getStatus().getObservedGeneration()
                    == h.hub(NS, "contoso-hub").getMetadata().getGeneration());
  }

  @Test
  void scalingTheBrokerByHandIsPutRight() {
    h.createNamespaces(WEST, WEST_CENTRAL);
    createHub("fixtures/hub-westus2.yaml");
    awaitReady("contoso-hub");

    h.client().apps().deployments().inNamespace(WEST_CENTRAL).withName(BROKER).scale(4);
    // The next periodic or event-driven reconciliation restores the cold standby.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> deployment(WEST_CENTRAL).getSpec().getReplicas() == 0);
  }

  @Test
  void deletionRemovesObjectsInEveryRegion() {
    h.createNamespaces(WEST, WEST_CENTRAL);
    createHub("fixtures/hub-westus2.yaml");
    awaitReady("contoso-hub");

    h.client().resources(IoTHub.class).inNamespace(NS).withName("contoso-hub").delete();

    await().atMost(Duration.ofSeconds(10)).until(() -> h.hub(NS, "contoso-hub") == null);
    for (String ns : List.of(WEST, WEST_CENTRAL)) {
      assertThat(h.client().apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(h.client().services().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(h.client().configMaps().inNamespace(ns).list().getItems()).isEmpty();
    }
    assertThat(h.client().services().inNamespace(NS).withName("contoso-hub").get()).isNull();
  }

  @Test
  void deletionFinishesWhenARegionNamespaceIsGone() {
    h.createNamespaces(WEST, WEST_CENTRAL);
    createHub("fixtures/hub-westus2.yaml");
    awaitReady("contoso-hub");
    h.client().namespaces().withName(WEST_CENTRAL).delete();

    h.client().resources(IoTHub.class).inNamespace(NS).withName("contoso-hub").delete();

    await().atMost(Duration.ofSeconds(10)).until(() -> h.hub(NS, "contoso-hub") == null);
    assertThat(h.client().apps().deployments().inNamespace(WEST).list().getItems()).isEmpty();
  }

  @Test
  void unknownLocationIsReportedAndNothingIsCreated() {
    createHub("fixtures/hub-unknown-location.yaml");

    Condition ready = awaitReadyCondition("mars-hub", "UnknownLocation");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains("'marsnorth' is not a known region");
    IoTHub hub = h.hub(NS, "mars-hub");
    assertThat(hub.getStatus().getState()).isEqualTo(HubState.Failed);
    assertThat(hub.getStatus().getMessage()).isEqualTo(ready.getMessage());
    assertThat(h.client().apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
    assertThat(events())
        .anyMatch(e -> e.getReason().equals("UnknownLocation") && e.getType().equals("Warning"));

    // Deleting a hub that never ran must not hang on its finalizer.
    h.client().resource(hub).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.hub(NS, "mars-hub") == null);
  }

  @Test
  void unpairedLocationIsReported() {
    createHub("fixtures/hub-unpaired.yaml");

    Condition ready = awaitReadyCondition("milan-hub", "LocationNotPaired");
    assertThat(ready.getMessage()).contains("Italy North (italynorth) has no geo-pair");
    assertThat(h.hub(NS, "milan-hub").getStatus().getState()).isEqualTo(HubState.Failed);
    assertThat(h.client().apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }

  @Test
  void missingRegionNamespaceIsReportedThenProvisionedWhenItAppears() {
    h.createNamespaces(WEST);
    createHub("fixtures/hub-westus2.yaml");

    Condition ready = awaitReadyCondition("contoso-hub", "RegionNamespaceMissing");
    assertThat(ready.getMessage())
        .contains("Namespace iothub-westcentralus of region West Central US does not exist");
    IoTHub hub = h.hub(NS, "contoso-hub");
    assertThat(hub.getStatus().getState()).isEqualTo(HubState.Provisioning);
    // The region that exists is provisioned already; the operator keeps retrying for the other.
    assertThat(deployment(WEST)).isNotNull();

    h.createNamespaces(WEST_CENTRAL);

    awaitReady("contoso-hub");
    assertThat(deployment(WEST_CENTRAL).getSpec().getReplicas()).isZero();
    assertThat(h.hub(NS, "contoso-hub").getStatus().getState()).isEqualTo(HubState.Active);
  }

  private void createHub(String fixture) {
    h.client().resource(h.load(fixture, IoTHub.class)).create();
  }

  private List<Event> events() {
    return h.client().v1().events().inNamespace(NS).list().getItems();
  }

  private Deployment deployment(String ns) {
    return h.client().apps().deployments().inNamespace(ns).withName(BROKER).get();
  }

  private Condition awaitReadyCondition(String name, String reason) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              IoTHub hub = h.hub(NS, name);
              return hub.getStatus() != null
                  && Conditions.find(hub.getStatus().getConditions(), "Ready")
                      .map(c -> reason.equals(c.getReason()))
                      .orElse(false);
            });
    return Conditions.find(h.hub(NS, name).getStatus().getConditions(), "Ready").orElseThrow();
  }

  private IoTHub awaitReady(String name) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              IoTHub hub = h.hub(NS, name);
              return hub.getStatus() != null
                  && Conditions.isTrue(hub.getStatus().getConditions(), "Ready");
            });
    return h.hub(NS, name);
  }
}
