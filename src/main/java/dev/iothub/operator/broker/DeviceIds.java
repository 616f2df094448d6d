package dev.iothub.operator.broker;

import java.util.regex.Pattern;

/**
 * The device ids the broker can serve. Azure's id alphabet minus the characters that would break
 * the data plane: {@code :} separates user and hash in the password file, {@code +} and {@code #}
 * are MQTT wildcards (mosquitto denies every pattern ACL to such a username), {@code ;} separates
 * the fields of a connection string, {@code /} would add topic levels, and white space or a line
 * break would split a password file line. Service user names are reserved: a device of that name
 * would share the service user's password line and ACL.
 */
public final class DeviceIds {
  /** For the Device CRD's {@code @Pattern}: the same rule as {@link #isValid(String)}. */
  public static final String PATTERN = "^[A-Za-z0-9\\-.%_*?!(),=@$']{1,128}$";

  public static final int MAX_LENGTH = 128;

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  private DeviceIds() {}

  public static boolean isValid(String id) {
    return problem(id) == null;
  }

  /**
   * Why the broker would refuse or misread {@code id}, as the end of a sentence ("the device id
   * ..."), or null when it can serve it. Never quotes the id: a DeviceImport line may hold a key
   * where its id should be.
   */
  public static String problem(String id) {
    if (id == null || id.isEmpty()) {
      return "is empty";
    }
    if (id.length() > MAX_LENGTH) {
      return "is longer than " + MAX_LENGTH + " characters";
    }
    if (!COMPILED.matcher(id).matches()) {
      return "has a character the broker cannot hold: only letters, digits and"
          + " - . % _ * ? ! ( ) , = @ $ ' are allowed (no : + # / ; or white space)";
    }
    if (ServiceUser.isReserved(id)) {
      return "is the name of one of the operator's own broker users ("
          + String.join(", ", ServiceUser.usernames())
          + ")";
    }
    return null;
  }
}
