package dev.iothub.operator.broker;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * A device's symmetric key and its Azure-style connection string. The key is the device's MQTT
 * password; only its salted hash ({@link PasswordHashes}) leaves the hub namespace's Secret.
 */
public final class DeviceKeys {
  /** 256 random bits, like the primary key Azure IoT Hub generates for a device. */
  public static final int KEY_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private DeviceKeys() {}

  /** A fresh key: 32 random bytes, standard base64 with padding (44 characters). */
  public static String newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /**
   * {@code HostName=<host>;DeviceId=<id>;SharedAccessKey=<key>}, the format Azure's device SDKs
   * parse. The host is the hub's stable host name, so the string stays valid after a failover.
   */
  public static String connectionString(String hostName, String deviceId, String key) {
    requireField("hostName", hostName);
    requireField("deviceId", deviceId);
    requireField("key", key);
    return "HostName=" + hostName + ";DeviceId=" + deviceId + ";SharedAccessKey=" + key;
  }

  // A ';' would split the string into other fields when a device SDK parses it.
  private static void requireField(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty() || value.indexOf(';') >= 0) {
      throw new IllegalArgumentException(name + " must be non-empty and must not contain ';'");
    }
  }
}
