package dev.iothub.operator.broker;

/**
 * The broker users that are not devices. Their names are reserved: {@link DeviceIds} refuses them
 * as device ids, so a device can never take over a service identity or its ACL.
 */
public enum ServiceUser {
  /** The backend applications' credential: all devices' telemetry in, device-bound messages out. */
  BACKEND("iothub-backend"),
  /** The operator's health probe: a publish/subscribe round trip on its own topic only. */
  PROBE("iothub-probe");

  private final String username;

  ServiceUser(String username) {
    this.username = username;
  }

  public String username() {
    return username;
  }

  /** The reserved names, in declaration order. */
  public static java.util.List<String> usernames() {
    return java.util.Arrays.stream(values()).map(ServiceUser::username).toList();
  }

  public static boolean isReserved(String name) {
    for (ServiceUser user : values()) {
      if (user.username.equals(name)) {
        return true;
      }
    }
    return false;
  }
}
