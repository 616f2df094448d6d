package dev.iothub.operator.failover;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.StepTiming;
import dev.iothub.operator.metrics.OperatorMetrics;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.Timestamps;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Azure IoT Hub manual failover tutorial, step by step, as requests. */
class FailoverTutorialMockTest {
  private static final String BROKER = HubFixtures.CONTOSO_BROKER;
  private OperatorHarness h;
  private HubFixtures f;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    f = new HubFixtures(h);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void failoverThenFailbackRefusedTooSoonThenFailback() {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    Region westus2 = h.settings().regions().find("westus2").orElseThrow();
    Region westcentralus = h.settings().regions().find("westcentralus").orElseThrow();
    RegistryStore registry = new RegistryStore(h.client());
    registry.write(hub, westus2, HubFixtures.devices(1000, "dev-"), h.clock().instant());

    f.request("failover-1", "contoso-hub", "contoso-hub");
    FailoverRequest failover = f.awaitPhase("failover-1", RequestPhase.Succeeded);

    assertThat(failover.getStatus().getType()).isEqualTo(OperationType.Failover);
    assertThat(failover.getStatus().getSourceLocation().getId()).isEqualTo("westus2");
    assertThat(failover.getStatus().getTargetLocation().getId()).isEqualTo("westcentralus");
    assertThat(failover.getStatus().getDevicesMigrated()).isEqualTo(1000);
    assertThat(failover.getStatus().getMessage())
        .isEqualTo("Manual failover is complete. contoso-hub is running in West Central US.");
    hub = f.awaitReady("contoso-hub");
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
    assertThat(hub.getStatus().getFailoverLocation().getId()).isEqualTo("westus2");
    assertThat(hub.getStatus().getPrimaryLocation().getId()).isEqualTo("westus2");
    assertThat(hub.getStatus().getState()).isEqualTo(HubState.Active);
    assertThat(hub.getStatus().getMessage())
        .isEqualTo("Manual failover is complete. contoso-hub is running in West Central US.");
    assertThat(f.replicas("iothub-westcentralus")).isEqualTo(2);
    assertThat(f.replicas("iothub-westus2")).isZero();
    assertThat(f.endpoint()).startsWith(BROKER + ".iothub-westcentralus.");
    assertThat(hub.getStatus().getHistory()).hasSize(1);
    OperationRecord record = hub.getStatus().getHistory().get(0);
    assertThat(record.getResult()).isEqualTo(RequestPhase.Succeeded);
    assertThat(record.getSteps())
        .extracting(StepTiming::getStep)
        .containsExactly(
            OperationStep.MigratingRegistry,
            OperationStep.ActivatingTarget,
            OperationStep.SwitchingEndpoint,
            OperationStep.DeactivatingSource);
    assertThat(registry.readAll(hub, westcentralus))
        .containsExactlyInAnyOrderElementsOf(registry.readAll(hub, westus2));
    assertThat(hub.getStatus().getRegistry().getDevices()).isEqualTo(1000);
    assertThat(hub.getStatus().getQuota().getFailoversRemaining()).isEqualTo(1);
    assertThat(hubEvents())
        .extracting(Event::getReason)
        .contains("FailoverStarted", "FailoverCompleted");

    // Failback right away: refused, with the time it becomes allowed; the hub is untouched.
    f.request("failback-too-soon", "contoso-hub", "contoso-hub");
    FailoverRequest tooSoon = f.awaitPhase("failback-too-soon", RequestPhase.Rejected);
    Instant allowedAt = Timestamps.parse(record.getCompletedAt()).plus(Duration.ofHours(1));
    assertThat(tooSoon.getStatus().getReason()).isEqualTo("TooSoon");
    assertThat(tooSoon.getStatus().getRetryAfter()).isEqualTo(Timestamps.format(allowedAt));
    assertThat(tooSoon.getStatus().getMessage()).contains(Timestamps.format(allowedAt));
    assertThat(h.hub(NS, "contoso-hub").getStatus().getCurrentLocation().getId())
        .isEqualTo("westcentralus");
    assertThat(f.replicas("iothub-westcentralus")).isEqualTo(2);

    h.clock().advance(Duration.ofMinutes(61));
    f.request("failback-1", "contoso-hub", "contoso-hub");
    FailoverRequest failback = f.awaitPhase("failback-1", RequestPhase.Succeeded);

    assertThat(failback.getStatus().getType()).isEqualTo(OperationType.Failback);
    assertThat(failback.getStatus().getTargetLocation().getDisplayName()).isEqualTo("West US 2");
    hub = f.awaitReady("contoso-hub");
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westus2");
    assertThat(hub.getStatus().getFailoverLocation().getId()).isEqualTo("westcentralus");
    assertThat(hub.getStatus().getMessage())
        .isEqualTo("Manual failback is complete. contoso-hub is running in West US 2.");
    assertThat(f.replicas("iothub-westus2")).isEqualTo(2);
    assertThat(f.replicas("iothub-westcentralus")).isZero();
    assertThat(f.endpoint()).startsWith(BROKER + ".iothub-westus2.");
    MeterRegistry meters = h.metrics().registry();
    assertThat(
            meters
                .get(OperatorMetrics.OPERATIONS)
                .tags("type", "Failover", "result", "Succeeded")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            meters
                .get(OperatorMetrics.OPERATIONS)
                .tags("result", "Rejected", "reason", "TooSoon")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            meters
                .get(OperatorMetrics.STEP_DURATION)
                .tags("type", "Failback", "step", "MigratingRegistry")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(meters.get(OperatorMetrics.DEVICES).tags("hub", "contoso-hub").gauge().value())
        .isEqualTo(1000.0);
    assertThat(hub.getStatus().getRegistry().getStandbySyncedAt()).isNotNull();
    assertThat(meters.get(OperatorMetrics.STANDBY_LAG).tags("hub", "contoso-hub").gauge().value())
        .isGreaterThanOrEqualTo(0);
    assertThat(hub.getStatus().getHistory())
        .extracting(OperationRecord::getRequestName, OperationRecord::getResult)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("failover-1", RequestPhase.Succeeded),
            org.assertj.core.groups.Tuple.tuple("failback-too-soon", RequestPhase.Rejected),
            org.assertj.core.groups.Tuple.tuple("failback-1", RequestPhase.Succeeded));
  }

  private java.util.List<Event> hubEvents() {
    return h.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "IoTHub".equals(e.getInvolvedObject().getKind()))
        .sorted(Comparator.comparing(Event::getLastTimestamp))
        .toList();
  }
}
