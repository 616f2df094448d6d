package dev.iothub.playground;

import dev.iothub.embedded.EmbeddedApiServer;
import dev.iothub.operator.config.OperatorBeans;
import io.quarkus.runtime.Quarkus;

/**
 * The README's main command with no cluster configured: the operator runs on an embedded API
 * server, with a SIMULATED kubelet (and, where mosquitto is installed, the brokers as local
 * processes) and a clock the playground can move forward, and {@link Tutorial} walks the portal's
 * manual failover tutorial on it.
 */
public final class Playground {
  /** Held so that the level stays set: JUL keeps loggers only weakly. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  /** Why the playground runs instead of the operator on a cluster: the tutorial's banner says. */
  public enum Why {
    NO_CLUSTER(
        "No Kubernetes cluster is configured, so the iothub-operator runs here on an",
        "Set KUBECONFIG (or create ~/.kube/config) to run the operator on a cluster."),
    FORCED_WITH_CLUSTER(
        "IOTHUB_EMBEDDED=true, so your kube context is not used: the operator runs on an",
        "Unset IOTHUB_EMBEDDED to run the operator on your kube context's cluster."),
    FORCED_WITHOUT_CLUSTER(
        "IOTHUB_EMBEDDED=true (no cluster is configured either): the operator runs on an",
        "Unset IOTHUB_EMBEDDED and set KUBECONFIG to run the operator on a cluster.");

    final String intro;
    final String onACluster;

    Why(String intro, String onACluster) {
      this.intro = intro;
      this.onACluster = onACluster;
    }
  }

  /** Set once by {@link #run} before the tutorial starts; the tutorial's banner reads it. */
  private static volatile Why why = Why.NO_CLUSTER;

  private Playground() {}

  static Why why() {
    return why;
  }

  /** Starts the embedded API server and the operator, runs the tutorial and exits the JVM. */
  public static void run(Why reason, String... args) {
    why = reason;
    // Until Quarkus configures logging, JUL would print every request the server answers.
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    EmbeddedApiServer server = EmbeddedApiServer.start();
    String url = server.url();
    System.setProperty("kubernetes.master", url);
    System.setProperty("quarkus.kubernetes-client.api-server-url", url);
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    System.setProperty("quarkus.kubernetes-client.trust-certs", "true");
    System.setProperty("quarkus.http.port", "0");
    // The regions' broker Service names do not resolve on this machine, even when the brokers run
    // here as local processes.
    System.setProperty("iothub.probe.enabled", "false");
    System.setProperty(OperatorBeans.CLOCK_PROPERTY, OperatorBeans.ADJUSTABLE);
    if (System.getProperty("quarkus.log.level") == null) {
      System.setProperty("quarkus.log.level", "WARN");
    }
    Quarkus.run(
        PlaygroundApplication.class,
        (code, failure) -> {
          server.close();
          if (failure != null) {
            failure.printStackTrace();
          }
          System.exit(code);
        },
        args);
  }
}
