package dev.iothub.operator.failover;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.StepTiming;
import dev.iothub.operator.hub.HubRollout;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryMigration;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.Timestamps;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operator is killed after each step of a failover: the hub's status and the cluster are left
 * exactly as the step had left them, and a new operator instance must finish the operation once:
 * one history entry, the quota counted once, replicas consistent, no device record lost or
 * duplicated.
 */
class FailoverCrashMockTest {
  private static final int DEVICES = 3000;
  private OperatorHarness h;
  private HubFixtures f;
  private Region westus2;
  private Region westcentralus;
  private RegistryStore registry;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    f = new HubFixtures(h);
    westus2 = h.settings().regions().find("westus2").orElseThrow();
    westcentralus = h.settings().regions().find("westcentralus").orElseThrow();
    registry = new RegistryStore(h.client());
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @ParameterizedTest
  @EnumSource(OperationStep.class)
  void newInstanceFinishesAnOperationKilledAtEachStep(OperationStep step) {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    h.stopOperator();
    // Written while no operator runs, so the standby region has no copy yet: all must migrate.
    registry.write(hub, westus2, HubFixtures.devices(DEVICES, "dev-"), h.clock().instant());
    FailoverRequest request =
        f.request("crash-" + step.name().toLowerCase(), "contoso-hub", "contoso-hub");

    hub = h.hub(NS, "contoso-hub");
    leaveClusterAsKilledDuring(hub, step);
    hub.getStatus().setOperation(operation(request, step));
    h.client().resource(hub).updateStatus();

    h.startOperator();

    FailoverRequest done = f.awaitPhase(request.getMetadata().getName(), RequestPhase.Succeeded);
    assertFinishedOnce(done);
  }

  @Test
  void newInstanceReportsAnOperationThatCompletedJustBeforeTheCrash() {
    f.createReadyHub("fixtures/hub-westus2.yaml");
    FailoverRequest request = f.request("crash-after-complete", "contoso-hub", "contoso-hub");
    f.awaitPhase("crash-after-complete", RequestPhase.Succeeded);
    h.stopOperator();
    // The request's status was lost (a crash before it was written): it says Running again.
    FailoverRequest stale = f.get("crash-after-complete");
    stale.getStatus().setPhase(RequestPhase.Running);
    h.client().resource(stale).updateStatus();

    h.startOperator();

    FailoverRequest done = f.awaitPhase(request.getMetadata().getName(), RequestPhase.Succeeded);
    assertFinishedOnce(done);
  }

  private void assertFinishedOnce(FailoverRequest done) {
    IoTHub hub = f.awaitReady("contoso-hub");
    assertThat(hub.getStatus().getHistory())
        .filteredOn(r -> r.getRequestUid().equals(done.getMetadata().getUid()))
        .hasSize(1);
    assertThat(hub.getStatus().getHistory()).hasSize(1);
    assertThat(hub.getStatus().getQuota().getFailoversRemaining()).isEqualTo(1);
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
    assertThat(f.replicas("iothub-westcentralus")).isEqualTo(2);
    assertThat(f.replicas("iothub-westus2")).isZero();
    assertThat(
            h.client()
                .services()
                .inNamespace(NS)
                .withName("contoso-hub")
                .get()
                .getSpec()
                .getExternalName())
        .contains("iothub-westcentralus");
    var source = registry.readAll(hub, westus2);
    var target = registry.readAll(hub, westcentralus);
    assertThat(target).hasSameSizeAs(source).containsExactlyInAnyOrderElementsOf(source);
    assertThat(target.stream().map(r -> r.id()).distinct().count()).isEqualTo(source.size());
  }

  /** The cluster as the killed instance left it: everything before {@code step} done. */
  private void leaveClusterAsKilledDuring(IoTHub hub, OperationStep step) {
    if (step == OperationStep.MigratingRegistry) {
      // Killed halfway through the copy: every other shard made it.
      Map<Integer, Secret> shards = registry.shards(hub, westus2);
      shards.forEach(
          (index, s) -> {
            if (index % 2 == 0) {
              Secret copy =
                  new io.fabric8.kubernetes.api.model.SecretBuilder(s)
                      .editMetadata()
                      .withNamespace("iothub-westcentralus")
                      .withResourceVersion(null)
                      .withUid(null)
                      .withCreationTimestamp(null)
                      .endMetadata()
                      .build();
              h.client().resource(copy).create();
            }
          });
      return;
    }
    new RegistryMigration(h.client())
        .migrate(hub, westus2, westcentralus, h.clock().instant(), n -> {});
    OperationStep previous = OperationStep.values()[step.ordinal() - 1];
    IoTHub asBefore = h.hub(NS, "contoso-hub");
    asBefore.getStatus().setOperation(operation(null, previous));
    HubLocations locations = HubLocations.resolve(asBefore, h.settings().regions()).locations();
    new HubRollout(h.client(), "cluster.local").apply(asBefore, locations);
  }

  private ActiveOperation operation(FailoverRequest request, OperationStep step) {
    ActiveOperation op = new ActiveOperation();
    if (request != null) {
      op.setRequestName(request.getMetadata().getName());
      op.setRequestUid(request.getMetadata().getUid());
    }
    op.setType(OperationType.Failover);
    op.setSource(HubLocations.ref(westus2));
    op.setTarget(HubLocations.ref(westcentralus));
    op.setStep(step);
    String now = Timestamps.format(h.clock().instant());
    op.setStartedAt(now);
    op.setStepStartedAt(now);
    for (OperationStep done : OperationStep.values()) {
      if (done.compareTo(step) < 0) {
        op.getSteps().add(new StepTiming(done, 1));
      }
    }
    return op;
  }
}
