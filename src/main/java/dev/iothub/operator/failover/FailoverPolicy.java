package dev.iothub.operator.failover;

import java.time.Duration;

/**
 * The portal's failover limits, as operator configuration: successful operations per rolling
 * window, the wait after an operation completes, and how long a step may take.
 */
public record FailoverPolicy(
    int maxFailoversPerWindow,
    int maxFailbacksPerWindow,
    Duration quotaWindow,
    Duration minInterval,
    Duration stepDeadline) {

  /** Azure IoT Hub's rules: 2 failovers and 2 failbacks a day, 1 hour apart. */
  public static FailoverPolicy azureDefaults() {
    return new FailoverPolicy(
        2, 2, Duration.ofHours(24), Duration.ofHours(1), Duration.ofMinutes(5));
  }
}
