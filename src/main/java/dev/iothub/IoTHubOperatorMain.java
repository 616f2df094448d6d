package dev.iothub;

import dev.iothub.playground.Playground;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs the operator against the configured cluster (in-cluster service account, KUBECONFIG or
 * ~/.kube/config). With no cluster configured it runs the playground ({@link Playground}): the
 * operator on an embedded API server, and the portal's manual failover tutorial played on it, so
 * that a fresh clone shows the product working.
 */
@QuarkusMain
public final class IoTHubOperatorMain {
  private IoTHubOperatorMain() {}

  public static void main(String... args) {
    if (clusterConfigured() && !"true".equalsIgnoreCase(System.getenv("IOTHUB_EMBEDDED"))) {
      Quarkus.run(OperatorApplication.class, args);
      return;
    }
    // No cluster: the playground runs the operator on an embedded API server and plays the
    // portal's manual failover tutorial on it.
    Playground.run(args);
  }

  static boolean clusterConfigured() {
    if (System.getenv("KUBERNETES_SERVICE_HOST") != null
        || System.getenv("KUBERNETES_MASTER") != null
        || System.getProperty("kubernetes.master") != null) {
      return true;
    }
    String kubeconfig = System.getenv("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      return Arrays.stream(kubeconfig.split(java.io.File.pathSeparator))
          .anyMatch(p -> !p.isBlank() && Files.isRegularFile(Path.of(p)));
    }
    return Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"));
  }
}
