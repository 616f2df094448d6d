package dev.iothub.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.QuotaStatus;
import dev.iothub.api.v1alpha1.RegistrySpec;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.status.StatusDiff;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Each hub field a child reads changes its view; the fields that move on their own do not. */
class HubViewsTest {
  private static final Function<IoTHub, com.fasterxml.jackson.databind.JsonNode> DEVICE =
      HubViews::device;
  private static final Function<IoTHub, com.fasterxml.jackson.databind.JsonNode> IMPORT =
      HubViews::registryWriter;
  private static final Function<IoTHub, com.fasterxml.jackson.databind.JsonNode> REQUEST =
      HubViews::request;

  @Test
  void whatRegistryWritersReadWakesThem() {
    wakes(h -> h.getStatus().setCurrentLocation(loc("westcentralus")), DEVICE, IMPORT, REQUEST);
    wakes(h -> h.getStatus().setFailoverLocation(loc("eastus")), DEVICE, IMPORT, REQUEST);
    wakes(h -> h.getStatus().setPrimaryLocation(loc("eastus")), DEVICE, IMPORT, REQUEST);
    wakes(h -> h.getStatus().setOperation(operation(OperationStep.MigratingRegistry)), DEVICE);
    wakes(h -> h.getStatus().setOperation(operation(OperationStep.MigratingRegistry)), IMPORT);
    wakes(h -> h.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z"), DEVICE, IMPORT);
    wakes(h -> h.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z"), REQUEST);
    wakes(h -> h.getSpec().setLocation("eastus"), DEVICE, IMPORT);
    wakes(h -> h.getSpec().getRegistry().setShards(64), DEVICE, IMPORT);
    wakes(h -> h.getMetadata().setUid("other"), DEVICE, IMPORT, REQUEST);
    wakes(h -> h.getStatus().setHostName("other.example.com"), DEVICE);
  }

  @Test
  void whatRequestsReadWakesThem() {
    IoTHub running = hub();
    running.getStatus().setOperation(operation(OperationStep.MigratingRegistry));
    wakes(running, h -> h.getStatus().getOperation().setStep(OperationStep.ActivatingTarget));
    wakes(running, h -> h.getStatus().getOperation().setDevicesMigrated(10L));
    wakes(running, h -> h.getStatus().getOperation().setLastError("boom"));
    OperationRecord done = new OperationRecord();
    done.setRequestUid("uid-1");
    done.setResult(RequestPhase.Succeeded);
    wakes(hub(), h -> h.getStatus().getHistory().add(done));
    // Writers only care that an operation runs: its progress does not wake a million Devices.
    sleeps(running, h -> h.getStatus().getOperation().setDevicesMigrated(10L), DEVICE, IMPORT);
    sleeps(
        running,
        h -> h.getStatus().getOperation().setStep(OperationStep.ActivatingTarget),
        DEVICE,
        IMPORT);
  }

  @Test
  void whatMovesOnItsOwnWakesNoChild() {
    sleeps(hub(), h -> h.getStatus().getRegistry().setStandbySyncedAt("2026-01-01T00:01:00Z"));
    sleeps(hub(), h -> h.getStatus().getRegistry().setDevices(1_000_001L));
    sleeps(hub(), h -> h.getStatus().getRegistry().setChecksum("sha256:other"));
    sleeps(hub(), h -> h.getStatus().getRegistry().setStandbyError("unreachable"));
    sleeps(hub(), h -> h.getStatus().setMessage("Something else."));
    sleeps(hub(), h -> h.getStatus().setObservedGeneration(7L));
    sleeps(hub(), h -> h.getStatus().setQuota(new QuotaStatus()));
    sleeps(hub(), h -> h.getMetadata().setResourceVersion("999"));
    sleeps(hub(), h -> h.getSpec().setBroker(new dev.iothub.api.v1alpha1.BrokerSpec()));
    sleeps(hub(), h -> h.getStatus().getProcessedRequests().put("r", "uid"));
  }

  @SafeVarargs
  private static void wakes(
      Consumer<IoTHub> change, Function<IoTHub, com.fasterxml.jackson.databind.JsonNode>... views) {
    wakes(hub(), change, views);
  }

  @SafeVarargs
  private static void wakes(
      IoTHub base,
      Consumer<IoTHub> change,
      Function<IoTHub, com.fasterxml.jackson.databind.JsonNode>... views) {
    if (views.length == 0) {
      views = new Function[] {REQUEST};
    }
    for (var view : views) {
      IoTHub changed = StatusDiff.copy(base, IoTHub.class);
      change.accept(changed);
      assertThat(HubViews.changed(view, changed, base)).as("a change wakes").isTrue();
    }
  }

  @SafeVarargs
  private static void sleeps(
      IoTHub base,
      Consumer<IoTHub> change,
      Function<IoTHub, com.fasterxml.jackson.databind.JsonNode>... views) {
    if (views.length == 0) {
      views = new Function[] {DEVICE, IMPORT, REQUEST};
    }
    for (var view : views) {
      IoTHub changed = StatusDiff.copy(base, IoTHub.class);
      change.accept(changed);
      assertThat(HubViews.changed(view, changed, base)).as("a change sleeps").isFalse();
    }
  }

  private static IoTHub hub() {
    IoTHub hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder()
            .withName("contoso-hub")
            .withNamespace("manlfailrg")
            .withUid("uid-hub")
            .withResourceVersion("1")
            .build());
    IoTHubSpec spec = new IoTHubSpec();
    spec.setLocation("westus2");
    spec.setRegistry(new RegistrySpec());
    hub.setSpec(spec);
    IoTHubStatus status = new IoTHubStatus();
    status.setPrimaryLocation(loc("westus2"));
    status.setCurrentLocation(loc("westus2"));
    status.setFailoverLocation(loc("westcentralus"));
    status.setHostName("contoso-hub.manlfailrg.svc.cluster.local");
    RegistryStatus registry = new RegistryStatus();
    registry.setDevices(1_000_000L);
    registry.setStandbySyncedAt("2026-01-01T00:00:00Z");
    status.setRegistry(registry);
    hub.setStatus(status);
    return hub;
  }

  private static ActiveOperation operation(OperationStep step) {
    ActiveOperation op = new ActiveOperation();
    op.setRequestUid("uid-1");
    op.setType(OperationType.Failover);
    op.setStep(step);
    return op;
  }

  private static LocationRef loc(String id) {
    LocationRef ref = new LocationRef();
    ref.setId(id);
    ref.setDisplayName(id);
    return ref;
  }
}
