package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportPhase;
import dev.iothub.api.v1alpha1.DeviceImportReason;
import dev.iothub.api.v1alpha1.DeviceImportStatus;
import dev.iothub.operator.status.Messages;
import dev.iothub.operator.status.StatusDiff;
import dev.iothub.operator.status.Timestamps;
import java.time.Instant;

/** Builds a DeviceImport's status from the stored one: it waits, or it ends (never to change). */
public final class DeviceImportStatusBuilder {
  private final DeviceImportStatus status;
  private final Instant now;

  public DeviceImportStatusBuilder(DeviceImport job, Instant now) {
    this.now = now;
    this.status =
        StatusDiff.copyOrNew(job.getStatus(), DeviceImportStatus.class, DeviceImportStatus::new);
    status.setObservedGeneration(job.getMetadata().getGeneration());
  }

  /** The import waits for {@code reason} to go away. */
  public DeviceImportStatusBuilder pending(DeviceImportReason reason, String message) {
    status.setPhase(DeviceImportPhase.Pending);
    status.setReason(reason.name());
    status.setMessage(Messages.bounded(message));
    return this;
  }

  /** Nothing was imported, for good. */
  public DeviceImportStatusBuilder failed(DeviceImportReason reason, String message) {
    return end(DeviceImportPhase.Failed, reason.name(), message, 0);
  }

  /** It ended, for good, with the first {@code imported} records (in file order) written. */
  public DeviceImportStatusBuilder failed(
      DeviceImportReason reason, String message, long imported) {
    return end(DeviceImportPhase.Failed, reason.name(), message, imported);
  }

  /** The first {@code written} records (in file order) are in the registry. */
  public DeviceImportStatusBuilder progress(long written) {
    status.setDevicesImported(written);
    return this;
  }

  public DeviceImportStatusBuilder succeeded(String message, long imported) {
    return end(DeviceImportPhase.Succeeded, null, message, imported);
  }

  public DeviceImportStatus build() {
    return status;
  }

  private DeviceImportStatusBuilder end(
      DeviceImportPhase phase, String reason, String message, long imported) {
    status.setPhase(phase);
    status.setReason(reason);
    status.setMessage(Messages.bounded(message));
    status.setDevicesImported(imported);
    status.setCompletionTime(Timestamps.format(now));
    return this;
  }
}
