package dev.iothub.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.QuotaStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The per-hub gauges: the quota the status shows, and none left once the hub is deleted. */
class OperatorMetricsTest {
  static IoTHub hub() {
    IoTHub hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder().withNamespace("manlfailrg").withName("contoso-hub").build());
    return hub;
  }

  double gauge(SimpleMeterRegistry registry, String name) {
    return registry.get(name).tags("namespace", "manlfailrg", "hub", "contoso-hub").gauge().value();
  }

  @Test
  void quotaGaugesFollowTheStatusAndGoWithTheHub() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OperatorMetrics metrics = new OperatorMetrics(registry);
    QuotaStatus quota = new QuotaStatus();
    quota.setFailoversRemaining(1);
    quota.setFailbacksRemaining(2);
    quota.setNextOperationAllowedAt("2026-11-26T12:00:09.250Z");
    metrics.quotaObserved(hub(), quota);
    metrics.hubObserved(hub(), 500, 3);

    assertThat(gauge(registry, OperatorMetrics.FAILOVERS_REMAINING)).isEqualTo(1);
    assertThat(gauge(registry, OperatorMetrics.FAILBACKS_REMAINING)).isEqualTo(2);
    assertThat(gauge(registry, OperatorMetrics.NEXT_OPERATION_ALLOWED))
        .isEqualTo(Instant.parse("2026-11-26T12:00:09Z").getEpochSecond());
    assertThat(gauge(registry, OperatorMetrics.DEVICES)).isEqualTo(500);
    assertThat(gauge(registry, OperatorMetrics.STANDBY_LAG)).isEqualTo(3);

    // The interval has passed: no time in the status, 0 in the gauge.
    quota.setNextOperationAllowedAt(null);
    quota.setFailoversRemaining(0);
    metrics.quotaObserved(hub(), quota);
    assertThat(gauge(registry, OperatorMetrics.NEXT_OPERATION_ALLOWED)).isZero();
    assertThat(gauge(registry, OperatorMetrics.FAILOVERS_REMAINING)).isZero();

    metrics.hubDeleted(hub());
    assertThat(registry.find(OperatorMetrics.FAILOVERS_REMAINING).gauges()).isEmpty();
    assertThat(registry.find(OperatorMetrics.DEVICES).gauges()).isEmpty();
    assertThat(registry.find(OperatorMetrics.NEXT_OPERATION_ALLOWED).gauges()).isEmpty();
  }
}
