package dev.iothub.operator.broker;

/** What the broker needs of a device to let it in: its id, whether it may connect, its hash. */
public interface DeviceCredential {
  String id();

  boolean enabled();

  /** The key's hash in mosquitto's {@code $7$} format; null when the device has none. */
  String credentialHash();
}
