package dev.iothub.cli;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestStatus;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RequestPhase;
import java.util.Objects;

/**
 * Where a request stands, for a progress bar: its phase, the step of the operation and the device
 * records migrated. Taken from the hub's active operation when it is this request's (the hub writes
 * each step first), else from the request's status.
 */
record Progress(
    RequestPhase phase, OperationType type, OperationStep step, Long migrated, Long total) {
  static final int BAR_WIDTH = 20;
  static final int STEPS = OperationStep.values().length;

  static Progress of(FailoverRequest request, IoTHub hub) {
    FailoverRequestStatus rs = request.getStatus();
    RequestPhase phase = rs == null || rs.getPhase() == null ? RequestPhase.Pending : rs.getPhase();
    if (phase.isTerminal()) {
      return new Progress(phase, rs.getType(), null, rs.getDevicesMigrated(), rs.getDevicesTotal());
    }
    ActiveOperation op =
        hub == null || hub.getStatus() == null ? null : hub.getStatus().getOperation();
    if (op != null && Objects.equals(op.getRequestUid(), request.getMetadata().getUid())) {
      Long total = op.getDevicesTotal();
      if (total == null && hub.getStatus().getRegistry() != null) {
        total = hub.getStatus().getRegistry().getDevices();
      }
      return new Progress(
          RequestPhase.Running, op.getType(), op.getStep(), op.getDevicesMigrated(), total);
    }
    if (phase == RequestPhase.Running) {
      return new Progress(
          phase, rs.getType(), rs.getStep(), rs.getDevicesMigrated(), rs.getDevicesTotal());
    }
    return new Progress(RequestPhase.Pending, rs == null ? null : rs.getType(), null, null, null);
  }

  /** Whether this is further along than {@code other} (the sources may lag one another). */
  boolean isAfter(Progress other) {
    if (other == null) {
      return true;
    }
    if (phase != other.phase) {
      return phase.ordinal() > other.phase.ordinal();
    }
    if (phase != RequestPhase.Running) {
      return false;
    }
    int byStep = Integer.compare(ordinal(step), ordinal(other.step));
    if (byStep != 0) {
      return byStep > 0;
    }
    // Within a step only news counts: more devices moved, or a total learnt; a source that does
    // not know the total yet is behind, not ahead.
    long moved = migrated == null ? 0 : migrated;
    long movedBefore = other.migrated == null ? 0 : other.migrated;
    return moved > movedBefore
        || (moved == movedBefore && total != null && !total.equals(other.total));
  }

  /** Done fraction, 0 to 100: the steps behind, plus the migration's share of its own step. */
  int percent() {
    if (phase == RequestPhase.Succeeded) {
      return 100;
    }
    if (step == null) {
      return 0;
    }
    double within =
        step == OperationStep.MigratingRegistry && total != null && total > 0 && migrated != null
            ? (double) migrated / total
            : 0;
    return (int) Math.floor((step.ordinal() + within) * 100 / STEPS);
  }

  /** {@code [########............] 40% step 2/5 ActivatingTarget 500/500 devices} */
  String line() {
    int filled = percent() * BAR_WIDTH / 100;
    String bar = "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
    String what =
        switch (phase) {
          case Pending -> "waiting for the operator to take the request";
          case Running ->
              step == null ? "running" : "step " + (step.ordinal() + 1) + "/" + STEPS + " " + step;
          case Succeeded -> "done";
          default -> phase.name();
        };
    return String.format("%s %3d%%  %-30s %s", bar, percent(), what, devices()).stripTrailing();
  }

  String devices() {
    if (migrated == null && total == null) {
      return "";
    }
    return (migrated == null ? "0" : migrated) + "/" + (total == null ? "?" : total) + " devices";
  }

  private static int ordinal(OperationStep s) {
    return s == null ? -1 : s.ordinal();
  }
}
