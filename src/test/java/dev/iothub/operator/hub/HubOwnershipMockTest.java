package dev.iothub.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.status.Conditions;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Objects that already have a name the hub needs but were not made for it: the hub reports each
 * (Ready=False, NameConflict, a Warning Event) and never writes or deletes them.
 */
class HubOwnershipMockTest {
  private static final String NS = "manlfailrg";
  private static final String BROKER = "mqtt-contoso-hub-manlfailrg-8056206a";
  private static final String WEST = "iothub-westus2";
  private static final String WEST_CENTRAL = "iothub-westcentralus";
  private OperatorHarness h;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, WEST, WEST_CENTRAL);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void foreignObjectsAreNamedInTurnLeftAsTheyAreAndTheHubRunsOnceTheyAreGone() {
    Secret ca = h.client().resource(foreignSecret()).create();
    Deployment deployment = created(foreignDeployment(WEST));
    Service service = h.client().resource(foreignService()).create();

    h.client().resource(h.load("fixtures/hub-westus2.yaml", IoTHub.class)).create();

    Condition ready = awaitConflict("Secret " + NS + "/contoso-hub-ca");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains("Rename or delete it");
    assertThat(h.client().v1().events().inNamespace(NS).list().getItems())
        .anyMatch(e -> e.getReason().equals("NameConflict") && e.getType().equals("Warning"));
    assertUnchanged(ca, deployment, service);

    h.client().resource(ca).delete();
    awaitConflict("Deployment " + WEST + "/" + BROKER);
    assertUnchanged(deployment, service);

    h.client().resource(deployment).delete();
    awaitConflict("Service " + NS + "/contoso-hub");
    assertUnchanged(service);

    h.client().resource(service).delete();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> Conditions.isTrue(h.hub(NS, "contoso-hub").getStatus().getConditions(), "Ready"));
    IoTHub hub = h.hub(NS, "contoso-hub");
    assertThat(hub.getStatus().getState()).isEqualTo(HubState.Active);
    Service endpoint = h.client().services().inNamespace(NS).withName("contoso-hub").get();
    assertThat(endpoint.getSpec().getType()).isEqualTo("ExternalName");
    assertThat(endpoint.getMetadata().getLabels())
        .containsEntry(HubNames.HUB_UID, hub.getMetadata().getUid());
  }

  @Test
  void deletingTheHubLeavesForeignObjectsUntouched() {
    Secret ca = h.client().resource(foreignSecret()).create();
    // Labelled like the hub's own, but for another hub of the same name (another uid): it matches
    // the cleanup's label selector and must still stay.
    Deployment deployment = created(foreignDeployment(WEST));
    Service service = h.client().resource(foreignService()).create();
    h.client().resource(h.load("fixtures/hub-westus2.yaml", IoTHub.class)).create();
    awaitConflict("Secret " + NS + "/contoso-hub-ca");

    h.client().resources(IoTHub.class).inNamespace(NS).withName("contoso-hub").delete();

    await().atMost(Duration.ofSeconds(10)).until(() -> h.hub(NS, "contoso-hub") == null);
    assertUnchanged(ca, deployment, service);
  }

  @Test
  void objectsOfAnOlderReleaseWithTheHubsLabelsAreAdopted() {
    h.client().resource(h.load("fixtures/hub-westus2.yaml", IoTHub.class)).create();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              IoTHub hub = h.hub(NS, "contoso-hub");
              return hub.getStatus() != null
                  && Conditions.isTrue(hub.getStatus().getConditions(), "Ready");
            });
    // As an older release wrote it: the hub's labels, no uid.
    Deployment standby =
        h.client().apps().deployments().inNamespace(WEST_CENTRAL).withName(BROKER).get();
    standby.getMetadata().getLabels().remove(HubNames.HUB_UID);
    standby.getMetadata().getAnnotations().remove("iothub.dev/desired-hash");
    h.client().resource(standby).update();

    String uid = h.hub(NS, "contoso-hub").getMetadata().getUid();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                uid.equals(
                    h.client()
                        .apps()
                        .deployments()
                        .inNamespace(WEST_CENTRAL)
                        .withName(BROKER)
                        .get()
                        .getMetadata()
                        .getLabels()
                        .get(HubNames.HUB_UID)));
  }

  @Test
  void aForeignObjectInTheFailoverTargetIsReportedNotTakenOver() {
    HubFixtures f = new HubFixtures(h);
    f.createReadyHub("fixtures/hub-westus2.yaml");
    // The target's broker never becomes available: the operation waits at its first step.
    h.kubelet().breakNamespace(WEST_CENTRAL);
    f.request("failover", "contoso-hub", "contoso-hub");
    f.awaitPhase("failover", RequestPhase.Running);

    // Someone replaces the hub's standby broker with an object of their own, in place (a delete
    // and create would race the operator, which puts its Deployment back at once).
    Deployment foreign =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> {
                  Deployment current =
                      h.client()
                          .apps()
                          .deployments()
                          .inNamespace(WEST_CENTRAL)
                          .withName(BROKER)
                          .get();
                  Deployment theirs = foreignDeployment(WEST_CENTRAL);
                  theirs.getMetadata().setLabels(Map.of("app", "web"));
                  theirs
                      .getMetadata()
                      .setResourceVersion(current.getMetadata().getResourceVersion());
                  try {
                    return h.client().resource(theirs).update();
                  } catch (KubernetesClientException e) {
                    return null; // the operator wrote it in between: try again on the fresh copy
                  }
                },
                java.util.Objects::nonNull);

    // The step records the conflict as its error, naming the object, and retries ...
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              var op = h.hub(NS, "contoso-hub").getStatus().getOperation();
              return op != null
                  && op.getLastError() != null
                  && op.getLastError().contains("Deployment " + WEST_CENTRAL + "/" + BROKER);
            });
    assertUnchanged(foreign);
    // ... writes nothing to the object up to the step deadline, and the operation then ends Failed
    // with that error, the hub serving where it was.
    h.clock().advance(Duration.ofMinutes(6));
    f.awaitPhase("failover", RequestPhase.Failed);
    assertThat(f.get("failover").getStatus().getReason()).isEqualTo("StepDeadlineExceeded");
    assertThat(f.get("failover").getStatus().getMessage())
        .contains("Deployment " + WEST_CENTRAL + "/" + BROKER);
    assertUnchanged(foreign);
  }

  private Condition awaitConflict(String object) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              IoTHub hub = h.hub(NS, "contoso-hub");
              return hub.getStatus() != null
                  && Conditions.find(hub.getStatus().getConditions(), "Ready")
                      .map(c -> "NameConflict".equals(c.getReason()))
                      .orElse(false)
                  && Conditions.find(hub.getStatus().getConditions(), "Ready")
                      .orElseThrow()
                      .getMessage()
                      .startsWith(object + " already exists");
            });
    return Conditions.find(h.hub(NS, "contoso-hub").getStatus().getConditions(), "Ready")
        .orElseThrow();
  }

  /**
   * The Deployment as stored once the simulated kubelet has run it (its status is the kubelet's).
   */
  private Deployment created(Deployment d) {
    h.client().resource(d).create();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> h.client().resource(d).get().getStatus() != null);
    return h.client().resource(d).get();
  }

  /** Each object as it was created: same resourceVersion, same bytes. */
  private void assertUnchanged(HasMetadata... created) {
    for (HasMetadata o : created) {
      HasMetadata stored = h.client().resource(o).get();
      assertThat(stored).as(o.getKind() + " " + o.getMetadata().getName()).isNotNull();
      assertThat(Serialization.asJson(stored)).isEqualTo(Serialization.asJson(o));
    }
  }

  private static Secret foreignSecret() {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("contoso-hub-ca")
        .withNamespace(NS)
        .endMetadata()
        .withStringData(Map.of("note", "someone else's"))
        .build();
  }

  private static Service foreignService() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("contoso-hub")
        .withNamespace(NS)
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Map.of("app", "web"))
        .addNewPort()
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  private static Deployment foreignDeployment(String ns) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(BROKER)
        .withNamespace(ns)
        .addToLabels(HubNames.MANAGED_BY, HubNames.OPERATOR)
        .addToLabels(HubNames.HUB_NAME, "contoso-hub")
        .addToLabels(HubNames.HUB_NAMESPACE, NS)
        .addToLabels(HubNames.COMPONENT, "broker")
        .addToLabels(HubNames.HUB_UID, "0000-another-hub")
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", "web")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
