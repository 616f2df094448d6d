package dev.iothub.operator.failover;

import java.time.Duration;

/**
 * The portal's failover limits, as operator configuration: successful operations per rolling
 * window, the wait after an operation completes, how long a step may take, and how long the name of
 * a decided request stays refused as a replay ({@code replayGuard}).
 */
public record FailoverPolicy(
    int maxFailoversPerWindow,
    int maxFailbacksPerWindow,
    Duration quotaWindow,
    Duration minInterval,
    Duration stepDeadline,
    Duration replayGuard) {

  /** How long a decided request's name is refused as a replay unless configured otherwise. */
  public static final Duration DEFAULT_REPLAY_GUARD = Duration.ofDays(30);

  /** Longest replay guard the configuration may set (it bounds the days kept, see StatusBudget). */
  public static final Duration MAX_REPLAY_GUARD = Duration.ofDays(90);

  /**
   * Most successful operations of one type per window: the successes of the window always stay in
   * the hub's history, so this bounds them (see StatusBudget).
   */
  public static final int MAX_OPERATIONS_PER_WINDOW = 5;

  public FailoverPolicy(
      int maxFailoversPerWindow,
      int maxFailbacksPerWindow,
      Duration quotaWindow,
      Duration minInterval,
      Duration stepDeadline) {
    this(
        maxFailoversPerWindow,
        maxFailbacksPerWindow,
        quotaWindow,
        minInterval,
        stepDeadline,
        DEFAULT_REPLAY_GUARD);
  }

  /** Azure IoT Hub's rules: 2 failovers and 2 failbacks a day, 1 hour apart. */
  public static FailoverPolicy azureDefaults() {
    return new FailoverPolicy(
        2, 2, Duration.ofHours(24), Duration.ofHours(1), Duration.ofMinutes(5));
  }

  public FailoverPolicy withReplayGuard(Duration replayGuard) {
    return new FailoverPolicy(
        maxFailoversPerWindow,
        maxFailbacksPerWindow,
        quotaWindow,
        minInterval,
        stepDeadline,
        replayGuard);
  }
}
