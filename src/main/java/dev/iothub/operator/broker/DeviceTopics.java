package dev.iothub.operator.broker;

/**
 * Azure IoT Hub's MQTT topic names, the contract between devices, backend applications and the
 * broker's ACL ({@link AclFile}).
 */
public final class DeviceTopics {
  static final String EVENTS = "devices/%s/messages/events/";
  static final String DEVICE_BOUND = "devices/%s/messages/devicebound/";

  /** The probe user's own topics; no device or backend topic lies under it. */
  public static final String PROBE_ROOT = "iothub/probe/";

  private DeviceTopics() {}

  /** Where a device publishes telemetry (device-to-cloud). */
  public static String events(String deviceId) {
    return String.format(EVENTS, deviceId);
  }

  /** Where a device receives cloud-to-device messages. */
  public static String deviceBound(String deviceId) {
    return String.format(DEVICE_BOUND, deviceId);
  }

  /** A backend subscription to every device's telemetry. */
  public static String allEvents() {
    return events("+") + "#";
  }
}
