package dev.iothub.operator.metrics;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.QuotaStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's Prometheus metrics: operations by type and result (and reason), the duration of
 * each step, and per hub the device count, the age of the standby copy of the registry and the
 * failover quota left. dashboards/iothub-operator.json queries them (GrafanaDashboardMockTest).
 */
public final class OperatorMetrics {
  public static final String OPERATIONS = "iothub.operations";
  public static final String STEP_DURATION = "iothub.operation.step.duration";
  public static final String DEVICES = "iothub.hub.devices";
  public static final String STANDBY_LAG = "iothub.registry.standby.lag.seconds";
  public static final String FAILOVERS_REMAINING = "iothub.hub.quota.failovers.remaining";
  public static final String FAILBACKS_REMAINING = "iothub.hub.quota.failbacks.remaining";

  /** When the next operation may start (epoch seconds); 0 when it may start now. */
  public static final String NEXT_OPERATION_ALLOWED = "iothub.hub.next.operation.allowed.seconds";

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

  /** The quota the hub's status shows, after each write of it. */
  public void quotaObserved(IoTHub hub, QuotaStatus quota) {
    if (quota == null) {
      return;
    }
    HubGauges g = hubs.computeIfAbsent(key(hub), k -> new HubGauges(registry, hub));
    g.failovers.set(quota.getFailoversRemaining() == null ? 0 : quota.getFailoversRemaining());
    g.failbacks.set(quota.getFailbacksRemaining() == null ? 0 : quota.getFailbacksRemaining());
    String next = quota.getNextOperationAllowedAt();
    g.nextAllowed.set(next == null ? 0 : Instant.parse(next).getEpochSecond());
  }

  public void hubDeleted(IoTHub hub) {
    HubGauges g = hubs.remove(key(hub));
    if (g != null) {
      g.gauges.forEach(registry::remove);
    }
  }

  private static String key(IoTHub hub) {
    return hub.getMetadata().getNamespace() + "/" + hub.getMetadata().getName();
  }

  private static final class HubGauges {
    final AtomicLong devices = new AtomicLong();
    final AtomicLong lag = new AtomicLong(-1);
    final AtomicLong failovers = new AtomicLong();
    final AtomicLong failbacks = new AtomicLong();
    final AtomicLong nextAllowed = new AtomicLong();
    final List<Gauge> gauges;
    final Tags tags;

    HubGauges(MeterRegistry registry, IoTHub hub) {
      tags =
          Tags.of(
              "namespace", hub.getMetadata().getNamespace(), "hub", hub.getMetadata().getName());
      gauges =
          List.of(
              gauge(registry, DEVICES, devices, "Device records in the hub's registry"),
              gauge(
                  registry,
                  STANDBY_LAG,
                  lag,
                  "How far the standby copy of the registry is behind (0 while current); -1 when there is none"),
              gauge(
                  registry,
                  FAILOVERS_REMAINING,
                  failovers,
                  "Successful failovers the hub may still make in the quota window"),
              gauge(
                  registry,
                  FAILBACKS_REMAINING,
                  failbacks,
                  "Successful failbacks the hub may still make in the quota window"),
              gauge(
                  registry,
                  NEXT_OPERATION_ALLOWED,
                  nextAllowed,
                  "When the hub's next failover or failback may start (Unix time); 0 when it may start now"));
    }

    private Gauge gauge(MeterRegistry registry, String name, AtomicLong value, String description) {
      return Gauge.builder(name, value, AtomicLong::get)
          .description(description)
          .tags(tags)
          .register(registry);
    }
  }
}
