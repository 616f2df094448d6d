package dev.iothub.operator.broker;

import java.util.regex.Pattern;

/**
 * The device ids the broker can serve. Azure's id alphabet minus the characters that would break
 * the data plane: {@code :} separates user and hash in the password file, {@code +} and {@code #}
 * are MQTT wildcards (mosquitto denies every pattern ACL to such a username), {@code ;} separates
 * the fields of a connection string, and {@code /} would add topic levels. Service user names are
 * reserved.
 */
public final class DeviceIds {
  /** For the Device CRD's {@code @Pattern}: the same rule as {@link #isValid(String)}. */
  public static final String PATTERN = "^[A-Za-z0-9\\-.%_*?!(),=@$']{1,128}$";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  private DeviceIds() {}

  public static boolean isValid(String id) {
    return id != null && COMPILED.matcher(id).matches() && !ServiceUser.isReserved(id);
  }
}
