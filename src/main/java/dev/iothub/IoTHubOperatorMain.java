package dev.iothub;

import dev.iothub.cli.ClusterPreflight;
import dev.iothub.cli.KubeConfigConnector;
import dev.iothub.playground.Playground;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Optional;

/**
 * Runs the operator against the configured cluster (in-cluster service account, KUBECONFIG or
 * ~/.kube/config). With no cluster configured, or with {@code IOTHUB_EMBEDDED=true}, it runs the
 * playground ({@link Playground}): the operator on an embedded API server, and the portal's manual
 * failover tutorial played on it, so that a fresh clone shows the product working.
 */
@QuarkusMain
public final class IoTHubOperatorMain {
  /** Set to true, runs the tutorial on the embedded API server whatever the kube context. */
  static final String EMBEDDED_VARIABLE = "IOTHUB_EMBEDDED";

  private IoTHubOperatorMain() {}

  public static void main(String... args) {
    boolean configured = KubeConfigConnector.system().configured();
    if ("true".equalsIgnoreCase(System.getenv(EMBEDDED_VARIABLE))) {
      Playground.run(
          configured ? Playground.Why.FORCED_WITH_CLUSTER : Playground.Why.FORCED_WITHOUT_CLUSTER,
          args);
      return;
    }
    if (!configured) {
      Playground.run(Playground.Why.NO_CLUSTER, args);
      return;
    }
    // Ask the API server once, with short timeouts, before the informers would retry it for tens of
    // seconds with a stack trace each time.
    Optional<ClusterPreflight.Failure> failure = ClusterPreflight.checkCurrentContext();
    if (failure.isPresent()) {
      System.err.println(failure.get().message());
      System.exit(failure.get().exitCode());
    }
    Quarkus.run(OperatorApplication.class, args);
  }
}
