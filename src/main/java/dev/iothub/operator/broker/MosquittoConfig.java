package dev.iothub.operator.broker;

import java.nio.file.Path;
import java.util.List;

/**
 * Renders {@code mosquitto.conf} for a hub's broker: one MQTT listener with TLS, no anonymous
 * clients, devices checked against the password file and isolated by the ACL file, no persistence
 * (a broker holds no state that a failover would have to carry), log to the container log.
 */
public final class MosquittoConfig {
  public static final int MQTT_PORT = 8883;
  public static final String FILE_NAME = "mosquitto.conf";

  /** Where the broker pod mounts the config ConfigMap: this file and the ACL file. */
  public static final String CONFIG_DIR = "/mosquitto/config";

  /** Where the broker pod mounts the server certificate Secret. */
  public static final String TLS_DIR = "/mosquitto/tls";

  /** The broker pod's {@code emptyDir} that the reloader writes the joined password file to. */
  public static final String AUTH_DIR = "/mosquitto/auth";

  /** Key names of the TLS Secret, as cert-manager and {@code kubernetes.io/tls} Secrets use. */
  public static final String CA_FILE_NAME = "ca.crt";

  public static final String CERT_FILE_NAME = "tls.crt";
  public static final String KEY_FILE_NAME = "tls.key";
  public static final String PASSWORD_FILE_NAME = "passwd";

  private static final String HEADER =
      "# Rendered by iothub-operator; changes here are overwritten.";

  private MosquittoConfig() {}

  /**
   * Where the broker listens and finds its files. Paths are strings because they are paths inside
   * the broker's container, not on the operator's machine.
   *
   * @param bindAddress the address to listen on, or null for all
   */
  public record Layout(
      int port,
      String bindAddress,
      String caFile,
      String certFile,
      String keyFile,
      String passwordFile,
      String aclFile) {
    public Layout {
      for (String file : List.of(caFile, certFile, keyFile, passwordFile, aclFile)) {
        requireToken(file);
      }
      if (bindAddress != null) {
        requireToken(bindAddress);
      }
    }

    /** The broker pod: the mount points above, all interfaces, port 8883. */
    public static Layout inPod() {
      return new Layout(
          MQTT_PORT,
          null,
          TLS_DIR + "/" + CA_FILE_NAME,
          TLS_DIR + "/" + CERT_FILE_NAME,
          TLS_DIR + "/" + KEY_FILE_NAME,
          AUTH_DIR + "/" + PASSWORD_FILE_NAME,
          CONFIG_DIR + "/" + AclFile.FILE_NAME);
    }

    /** Every file in one directory, listening on loopback only: a broker started by a test. */
    public static Layout inDirectory(Path dir, int port) {
      return new Layout(
          port,
          "127.0.0.1",
          dir.resolve(CA_FILE_NAME).toString(),
          dir.resolve(CERT_FILE_NAME).toString(),
          dir.resolve(KEY_FILE_NAME).toString(),
          dir.resolve(PASSWORD_FILE_NAME).toString(),
          dir.resolve(AclFile.FILE_NAME).toString());
    }
  }

  public static String render(Layout layout) {
    return String.join(
            "\n",
            HEADER,
            "per_listener_settings false",
            "allow_anonymous false",
            "password_file " + layout.passwordFile(),
            "acl_file " + layout.aclFile(),
            "persistence false",
            // The container log. Not stdout: mosquitto block-buffers stdout when it is not a
            // terminal (since 1.6.11, eclipse-mosquitto/mosquitto#2354), so lines would show up in
            // 4 KiB bursts or at exit; stderr is unbuffered.
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information", // adds little more than start, stop and each reload
            "connection_messages true",
            "",
            "listener "
                + layout.port()
                + (layout.bindAddress() == null ? "" : " " + layout.bindAddress()),
            "protocol mqtt",
            "cafile " + layout.caFile(),
            "certfile " + layout.certFile(),
            "keyfile " + layout.keyFile(),
            "tls_version tlsv1.2",
            "require_certificate false",
            // The MQTT client id becomes the username, as Azure requires client id = device id: a
            // device cannot take over (and so disconnect) another device's session by reusing its
            // client id. A service credential therefore holds one connection at a time.
            "use_username_as_clientid true")
        + "\n";
  }

  // One token per value: mosquitto.conf has no quoting, and a newline would add an option.
  private static void requireToken(String value) {
    if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("not usable in mosquitto.conf: '" + value + "'");
    }
  }
}
