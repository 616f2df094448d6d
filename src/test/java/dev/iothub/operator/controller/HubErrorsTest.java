package dev.iothub.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.failover.BrokerProbe;
import dev.iothub.operator.metrics.OperatorMetrics;
import dev.iothub.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HubErrorsTest {
  private final IoTHubReconciler reconciler =
      new IoTHubReconciler(
          OperatorSettings.defaults(),
          Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
          new OperatorMetrics(new SimpleMeterRegistry()),
          BrokerProbe.disabled(),
          null);

  private static IoTHub hub() {
    IoTHub hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder()
            .withName("contoso-hub")
            .withNamespace("manlfailrg")
            .withGeneration(3L)
            .build());
    return hub;
  }

  @Test
  void anExceptionEndsInAReconciledConditionWithReasonAndMessage() {
    ErrorStatusUpdateControl<IoTHub> control =
        reconciler.updateErrorStatus(hub(), null, new IllegalStateException("no route to host"));

    IoTHub patched = control.getResource().orElseThrow();
    Condition c =
        Conditions.find(patched.getStatus().getConditions(), IoTHubReconciler.RECONCILED)
            .orElseThrow();
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("ReconcileFailed");
    assertThat(c.getMessage()).isEqualTo("IllegalStateException: no route to host");
    assertThat(c.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void aConflictWritesNothingAndRunsAgain() {
    ErrorStatusUpdateControl<IoTHub> control =
        reconciler.updateErrorStatus(
            hub(), null, new KubernetesClientException("conflict", 409, null));

    assertThat(control.getResource()).isEmpty();
    assertThat(control.isNoRetry()).isFalse();
  }
}
