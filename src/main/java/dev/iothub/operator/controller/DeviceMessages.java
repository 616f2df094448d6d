package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.registry.DeviceKeySecrets;
import dev.iothub.operator.registry.HubRegistry;

/** The sentences of a Device's status: what happened and what a person can do. No key in them. */
final class DeviceMessages {
  private DeviceMessages() {}

  static String hubNotFound(Device device) {
    return "There is no IoTHub named "
        + device.getSpec().getHubName()
        + " in namespace "
        + device.getMetadata().getNamespace()
        + ". Check hubName; the device is registered once the hub exists.";
  }

  static String idRefused(Device device, String problem) {
    return "The device id ("
        + (device.getSpec().getDeviceId() != null ? "spec.deviceId" : "the Device's name")
        + ") "
        + problem
        + ", so the broker would not let the device in as itself. Create a Device with another"
        + " deviceId; nothing was registered.";
  }

  static String duplicate(Device twin, String id, IoTHub hub) {
    return "Device "
        + twin.getMetadata().getName()
        + " already registers device id "
        + id
        + " in hub "
        + hub.getMetadata().getName()
        + ". Give this Device another deviceId (or name).";
  }

  static String hubNotReady(IoTHub hub) {
    return "IoTHub "
        + hub.getMetadata().getName()
        + " is not provisioned yet; the device is registered when it is.";
  }

  static String noKey(Device device) {
    return "Secret "
        + device.getSpec().getKeySecretName()
        + " in namespace "
        + device.getMetadata().getNamespace()
        + " does not exist or has no key "
        + DeviceKeySecrets.KEY
        + ". Create it; the device is registered then.";
  }

  static String full(String id, String detail) {
    return "Device "
        + id
        + " is not registered: "
        + detail
        + ". The registry has its most shards ("
        + dev.iothub.operator.registry.ShardLimits.MAX_SHARDS
        + "): delete devices of this hub or register this one in another hub.";
  }

  static String registered(String id, HubRegistry registry, boolean enabled) {
    return "Device "
        + id
        + " is registered in "
        + registry.hubName()
        + (enabled ? "" : " (disabled: its connections are refused)")
        + ".";
  }
}
