package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.RequestReason;
import dev.iothub.operator.broker.MqttProbe;
import dev.iothub.operator.region.Region;
import java.time.Duration;

/**
 * Why an operation whose step ran past its deadline failed: the most specific reason the step knows
 * (the target's probe failed, the target's broker never became available, the source's cluster
 * never handed the hub over), else {@code StepDeadlineExceeded}; the message names the step and its
 * last error.
 */
record DeadlineVerdict(RequestReason reason, String message) {

  static DeadlineVerdict of(
      ActiveOperation op,
      Region source,
      Region target,
      MqttProbe.Result lastProbe,
      Duration deadline) {
    long seconds = deadline.toSeconds();
    String lastError = StepErrors.verdictSuffix(op);
    if (op.getStep() == OperationStep.MigratingRegistry && source.inAnotherCluster()) {
      // That cluster answered all along (else the copy would have been promoted): its operator
      // never fenced its writers for this request.
      return new DeadlineVerdict(
          RequestReason.SourceDidNotHandOver,
          "The cluster of "
              + source.displayName()
              + " answers, but did not hand the hub over within "
              + seconds
              + " s: its operator is down or behind (look at it there). Nothing was promoted."
              + lastError);
    }
    boolean activating = op.getStep() == OperationStep.ActivatingTarget;
    if (activating && lastProbe != null && !lastProbe.succeeded()) {
      return new DeadlineVerdict(
          RequestReason.ProbeFailed,
          "The MQTT probe of the broker in "
              + target.displayName()
              + " failed ("
              + lastProbe.outcome().reason()
              + "): "
              + lastProbe.message()
              + "."
              + lastError);
    }
    if (activating && op.getLastError() == null) {
      return new DeadlineVerdict(
          RequestReason.TargetNotAvailable,
          "The broker in "
              + target.displayName()
              + " did not become available within "
              + seconds
              + " s."
              + lastError);
    }
    return new DeadlineVerdict(
        RequestReason.StepDeadlineExceeded,
        "Step " + op.getStep() + " did not finish within " + seconds + " s." + lastError);
  }
}
