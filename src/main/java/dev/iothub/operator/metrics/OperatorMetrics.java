package dev.iothub.operator.metrics;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's Prometheus metrics: operations by type and result (and reason), the duration of
 * each step, and per hub the device count and the age of the standby copy of the registry.
 */
public final class OperatorMetrics {
  public static final String OPERATIONS = "iothub.operations";
  public static final String STEP_DURATION = "iothub.operation.step.duration";
  public static final String DEVICES = "iothub.hub.devices";
  public static final String STANDBY_LAG = "iothub.registry.standby.lag.seconds";

  /**
   * Passes of the hub controller that observed a hub (one per reconciliation that got that far).
   */
  public static final String HUB_OBSERVATIONS = "iothub.hub.observations";

  private final MeterRegistry registry;
  private final Map<String, HubGauges> hubs = new ConcurrentHashMap<>();

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A finished operation or a refused request, counted when the hub recorded it. */
  public void recorded(OperationRecord record) {
    Counter.builder(OPERATIONS)
        .description("Failover and failback requests by type, result and reason")
        .tags(
            "type", record.getType().name(),
            "result", record.getResult().name(),
            "reason", record.getReason() == null ? "" : record.getReason())
        .register(registry)
        .increment();
  }

  public void stepFinished(OperationType type, OperationStep step, Duration took) {
    Timer.builder(STEP_DURATION)
        .description("Duration of each step of a failover or failback")
        .tags("type", type.name(), "step", step.name())
        .register(registry)
        .record(took);
  }

  /**
   * Per-hub gauges; {@code standbyLagSeconds} is negative when the failover region holds no copy.
   */
  public void hubObserved(IoTHub hub, long devices, long standbyLagSeconds) {
    HubGauges g = hubs.computeIfAbsent(key(hub), k -> new HubGauges(registry, hub));
    g.devices.set(devices);
    g.lag.set(standbyLagSeconds);
    registry.counter(HUB_OBSERVATIONS, g.tags).increment();
  }

  public void hubDeleted(IoTHub hub) {
    HubGauges g = hubs.remove(key(hub));
    if (g != null) {
      registry.remove(g.devicesGauge);
      registry.remove(g.lagGauge);
    }
  }

  private static String key(IoTHub hub) {
    return hub.getMetadata().getNamespace() + "/" + hub.getMetadata().getName();
  }

  private static final class HubGauges {
    final AtomicLong devices = new AtomicLong();
    final AtomicLong lag = new AtomicLong(-1);
    final Gauge devicesGauge;
    final Gauge lagGauge;
    final Tags tags;

    HubGauges(MeterRegistry registry, IoTHub hub) {
      tags =
          Tags.of(
              "namespace", hub.getMetadata().getNamespace(), "hub", hub.getMetadata().getName());
      devicesGauge =
          Gauge.builder(DEVICES, devices, AtomicLong::get)
              .description("Device records in the hub's registry")
              .tags(tags)
              .register(registry);
      lagGauge =
          Gauge.builder(STANDBY_LAG, lag, AtomicLong::get)
              .description(
                  "Age of the standby copy of the registry in the failover region; -1 when there is none")
              .tags(tags)
              .register(registry);
    }
  }
}
