package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestStatus;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.RequestReason;
import dev.iothub.operator.failover.FailoverRules;
import dev.iothub.operator.failover.IoTHubStatusBuilder;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Messages;
import dev.iothub.operator.status.StatusDiff;
import dev.iothub.operator.status.Timestamps;
import java.time.Instant;

/**
 * Builds a request's status from the stored one and from what the hub decided. A final phase
 * (Succeeded, Rejected, Failed) is never changed again.
 */
public final class FailoverRequestStatusBuilder {
  public static final String COMPLETED = "Completed";

  private final FailoverRequest request;
  private final FailoverRequestStatus status;
  private final Instant now;

  public FailoverRequestStatusBuilder(FailoverRequest request, Instant now) {
    this.request = request;
    this.now = now;
    this.status =
        StatusDiff.copyOrNew(
            request.getStatus(), FailoverRequestStatus.class, FailoverRequestStatus::new);
    this.status.setObservedGeneration(request.getMetadata().getGeneration());
  }

  public RequestPhase phase() {
    return status.getPhase();
  }

  public FailoverRequestStatusBuilder pending(IoTHubStatus hub) {
    status.setPhase(RequestPhase.Pending);
    status.setReason(null);
    if (hub != null) {
      status.setType(FailoverRules.typeOf(hub));
      status.setSourceLocation(hub.getCurrentLocation());
      status.setTargetLocation(hub.getFailoverLocation());
    }
    status.setMessage("Waiting for the hub to take the request.");
    Conditions.set(
        status.getConditions(),
        COMPLETED,
        false,
        "Pending",
        status.getMessage(),
        generation(),
        now);
    return this;
  }

  public FailoverRequestStatusBuilder running(ActiveOperation op) {
    status.setPhase(RequestPhase.Running);
    status.setReason(null);
    status.setType(op.getType());
    status.setSourceLocation(op.getSource());
    status.setTargetLocation(op.getTarget());
    status.setStep(op.getStep());
    status.setDevicesTotal(op.getDevicesTotal());
    status.setDevicesMigrated(op.getDevicesMigrated());
    status.setStartTime(op.getStartedAt());
    String running =
        "Manual " + op.getType().name().toLowerCase() + " in progress: " + op.getStep() + ".";
    // The hub's step retries an error: the request says so, and that it ends at the deadline.
    status.setMessage(
        op.getLastError() == null
            ? running
            : running
                + " The step failed "
                + op.getStepErrors()
                + (Integer.valueOf(1).equals(op.getStepErrors()) ? " time" : " times")
                + " and is retried until its deadline; last error: "
                + op.getLastError());
    Conditions.set(
        status.getConditions(),
        COMPLETED,
        false,
        op.getLastError() == null ? "Running" : IoTHubStatusBuilder.STEP_RETRYING,
        status.getMessage(),
        generation(),
        now);
    return this;
  }

  /** Copies the hub's verdict: a finished operation, or a refusal. */
  public FailoverRequestStatusBuilder finished(OperationRecord record) {
    status.setPhase(record.getResult());
    status.setType(record.getType());
    if (record.getSource() != null) {
      status.setSourceLocation(record.getSource());
      status.setTargetLocation(record.getTarget());
    }
    status.setStep(null);
    status.setStartTime(record.getStartedAt());
    status.setCompletionTime(record.getCompletedAt());
    status.setDevicesMigrated(record.getDevicesMigrated());
    if (record.getDevicesMigrated() != null) {
      status.setDevicesTotal(record.getDevicesMigrated());
    }
    status.setReason(record.getReason());
    status.setRetryAfter(record.getRetryAfter());
    String message =
        record.getResult() == RequestPhase.Succeeded
            ? "Manual "
                + record.getType().name().toLowerCase()
                + " is complete. "
                + request.getSpec().getHubName()
                + " is running in "
                + record.getTarget().getDisplayName()
                + "."
                + (record.getMessage() == null ? "" : " " + record.getMessage())
            : record.getMessage();
    status.setMessage(Messages.bounded(message));
    Conditions.set(
        status.getConditions(),
        COMPLETED,
        true,
        record.getResult() == RequestPhase.Succeeded ? "Succeeded" : record.getReason(),
        message,
        generation(),
        now);
    return this;
  }

  /** A verdict this controller reaches alone: the hub is missing, or the request is malformed. */
  public FailoverRequestStatusBuilder end(RequestPhase phase, String reason, String message) {
    status.setPhase(phase);
    status.setReason(reason);
    status.setMessage(Messages.bounded(message));
    status.setStep(null);
    status.setCompletionTime(Timestamps.format(now));
    Conditions.set(status.getConditions(), COMPLETED, true, reason, message, generation(), now);
    return this;
  }

  /** The operator failed while the request is open: the phase stays, the condition says why. */
  public FailoverRequestStatusBuilder failing(RequestReason reason, String message) {
    status.setReason(reason.name());
    status.setMessage(Messages.bounded(message));
    Conditions.set(
        status.getConditions(), COMPLETED, false, reason.name(), message, generation(), now);
    return this;
  }

  public FailoverRequestStatus build() {
    return status;
  }

  private Long generation() {
    return request.getMetadata().getGeneration();
  }
}
