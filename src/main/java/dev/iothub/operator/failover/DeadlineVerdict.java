package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.RequestReason;
import dev.iothub.operator.broker.MqttProbe;
import dev.iothub.operator.region.Region;
import java.time.Duration;

/**
 * Why an operation whose step ran past its deadline failed: the most specific reason the step knows
 * (the target's probe failed, the target's broker never became available), else {@code
 * StepDeadlineExceeded}; the message names the step and its last error.
 */
record DeadlineVerdict(RequestReason reason, String message) {

  static DeadlineVerdict of(
      ActiveOperation op, Region target, MqttProbe.Result lastProbe, Duration deadline) {
    long seconds = deadline.toSeconds();
    String lastError = StepErrors.verdictSuffix(op);
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
