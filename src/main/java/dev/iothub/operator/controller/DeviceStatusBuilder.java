package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceReason;
import dev.iothub.api.v1alpha1.DeviceStatus;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Messages;
import dev.iothub.operator.status.StatusDiff;
import java.time.Instant;

/** Builds a Device's status from the stored one; the Registered condition keeps its history. */
public final class DeviceStatusBuilder {
  public static final String REGISTERED = "Registered";

  private final Device device;
  private final DeviceStatus status;
  private final Instant now;

  public DeviceStatusBuilder(Device device, Instant now) {
    this.device = device;
    this.now = now;
    this.status = StatusDiff.copyOrNew(device.getStatus(), DeviceStatus.class, DeviceStatus::new);
    status.setObservedGeneration(device.getMetadata().getGeneration());
  }

  public DeviceStatusBuilder registered(String deviceId, String secretName, String message) {
    status.setDeviceId(deviceId);
    status.setKeySecretName(secretName);
    return set(true, DeviceReason.Registered, message);
  }

  /** Not registered (or not as the spec says) for a reason a person or time can cure. */
  public DeviceStatusBuilder notRegistered(DeviceReason reason, String message) {
    return set(false, reason, message);
  }

  /** A change waits for the running operation; what is registered now stays so. */
  public DeviceStatusBuilder waiting(DeviceReason reason, String message) {
    status.setReason(reason.name());
    status.setMessage(Messages.bounded(message));
    return this;
  }

  public DeviceStatus build() {
    return status;
  }

  private DeviceStatusBuilder set(boolean registered, DeviceReason reason, String message) {
    status.setRegistered(registered);
    status.setReason(reason.name());
    status.setMessage(Messages.bounded(message));
    Conditions.set(
        status.getConditions(),
        REGISTERED,
        registered,
        reason.name(),
        message,
        device.getMetadata().getGeneration(),
        now);
    return this;
  }
}
