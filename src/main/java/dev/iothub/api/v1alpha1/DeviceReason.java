package dev.iothub.api.v1alpha1;

/** Why a Device is (not) registered ({@code status.reason} and its Registered condition). */
public enum DeviceReason {
  /** The hub's registry holds the device as the spec says. */
  Registered,
  /** No IoTHub of that name in the device's namespace (or it is being deleted). */
  HubNotFound,
  /** The hub is not provisioned yet. */
  HubNotReady,
  /** A failover or failback runs: the change waits for it; what is registered stays so. */
  RegistryFrozen,
  /** The named key Secret, or its key, does not exist. */
  KeySecretNotFound,
  /** An older Device of the same hub registers the same device id. */
  DuplicateDeviceId,
  /**
   * The broker would refuse or misread the device id (spec.deviceId, else the Device's name): too
   * long, or one of the operator's own broker users. Nothing is registered.
   */
  DeviceIdRefused,
  /**
   * The registry doubles its shards (a shard passed half of its size limit, or was full): the
   * change waits a moment; what is registered stays so.
   */
  RegistryGrowing,
  /**
   * The registry shard the device belongs to is full and the registry has its most shards (4096):
   * nothing more fits in this hub.
   */
  RegistryFull,
  /** The operator failed in a way it retries; the message says what failed. */
  OperatorError
}
