package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.operator.status.ErrorText;
import dev.iothub.operator.status.Timestamps;
import java.time.Duration;
import java.time.Instant;

/**
 * The errors of the running step, kept on the operation in the status (so that a restarted operator
 * still knows them): the last one, when, how many; the backoff before the next try; and the words
 * the verdict adds at the deadline. Pure.
 */
public final class StepErrors {
  private StepErrors() {}

  /**
   * Records {@code e} as the step's last error.
   *
   * @return whether it differs from the error recorded before (worth a new Warning Event)
   */
  public static boolean record(ActiveOperation op, Throwable e, Instant now) {
    String error = ErrorText.of(e);
    boolean news = !error.equals(op.getLastError());
    op.setLastError(error);
    op.setLastErrorAt(Timestamps.format(now));
    op.setStepErrors(op.getStepErrors() == null ? 1 : op.getStepErrors() + 1);
    return news;
  }

  /** A new step starts with no errors. */
  public static void clear(ActiveOperation op) {
    op.setLastError(null);
    op.setLastErrorAt(null);
    op.setStepErrors(null);
  }

  /**
   * The wait before the next try: {@code initial} doubled with each error of the step, capped at
   * {@code max}, and never past the step's deadline (then the deadline itself ends the step).
   */
  public static Duration backoff(
      ActiveOperation op, Duration initial, Duration max, Duration untilDeadline) {
    int errors = op.getStepErrors() == null ? 1 : Math.max(1, op.getStepErrors());
    Duration delay = initial.multipliedBy(1L << Math.min(errors - 1, 20));
    delay = delay.compareTo(max) > 0 ? max : delay;
    return delay.compareTo(untilDeadline) > 0 ? untilDeadline : delay;
  }

  /** What the verdict at the deadline adds: the last error and when it happened, if any. */
  public static String verdictSuffix(ActiveOperation op) {
    if (op.getLastError() == null) {
      return "";
    }
    String error = op.getLastError();
    return " Last error (" + op.getLastErrorAt() + "): " + error + (error.endsWith(".") ? "" : ".");
  }
}
