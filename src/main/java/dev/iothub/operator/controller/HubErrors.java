package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.StatusDiff;
import java.time.Instant;
import java.util.ArrayList;

/** A pass that ended in an exception, as the hub's {@code Reconciled} condition. */
final class HubErrors {
  static final String RECONCILE_FAILED = "ReconcileFailed";

  private HubErrors() {}

  /** The hub's stored status with Reconciled=False, the exception's type and message. */
  static IoTHubStatus failed(IoTHub hub, Exception e, Instant now) {
    IoTHubStatus status = StatusDiff.copy(hub.getStatus(), IoTHubStatus.class);
    status = status == null ? new IoTHubStatus() : status;
    if (status.getConditions() == null) {
      status.setConditions(new ArrayList<>());
    }
    Conditions.set(
        status.getConditions(),
        IoTHubReconciler.RECONCILED,
        false,
        RECONCILE_FAILED,
        e.getClass().getSimpleName() + ": " + e.getMessage(),
        hub.getMetadata().getGeneration(),
        now);
    return status;
  }
}
