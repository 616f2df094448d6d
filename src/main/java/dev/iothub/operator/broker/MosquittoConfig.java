package dev.iothub.operator.broker;

/**
 * Renders {@code mosquitto.conf} for a hub's broker. Anonymous clients are always refused: until
 * device authentication is configured, no client can connect at all, which is the safe default.
 */
public final class MosquittoConfig {
  public static final int MQTT_PORT = 8883;
  public static final String FILE_NAME = "mosquitto.conf";
  public static final String CONFIG_DIR = "/mosquitto/config";

  private MosquittoConfig() {}

  public static String render() {
    return String.join(
            "\n",
            "# Rendered by iothub-operator; changes here are overwritten.",
            "per_listener_settings false",
            "allow_anonymous false",
            "persistence false",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "listener " + MQTT_PORT)
        + "\n";
  }
}
