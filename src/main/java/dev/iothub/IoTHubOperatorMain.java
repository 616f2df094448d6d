package dev.iothub;

import dev.iothub.embedded.EmbeddedApiServer;
import dev.iothub.embedded.EmbeddedDemo;
import dev.iothub.embedded.SimulatedKubelet;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs the operator against the configured cluster (in-cluster service account, KUBECONFIG or
 * ~/.kube/config). With no cluster configured it starts an embedded API server, runs the operator
 * on it and walks the example hub to Ready, so that a fresh clone shows the product working.
 */
@QuarkusMain
public final class IoTHubOperatorMain {
  private IoTHubOperatorMain() {}

  public static void main(String... args) {
    if (clusterConfigured() && !"true".equalsIgnoreCase(System.getenv("IOTHUB_EMBEDDED"))) {
      Quarkus.run(OperatorApplication.class, args);
      return;
    }
    EmbeddedApiServer server = EmbeddedApiServer.start();
    SimulatedKubelet kubelet = new SimulatedKubelet(server.client()).start();
    String url = server.url();
    System.setProperty("kubernetes.master", url);
    System.setProperty("quarkus.kubernetes-client.api-server-url", url);
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    System.setProperty("quarkus.kubernetes-client.trust-certs", "true");
    System.setProperty("quarkus.http.port", "0");
    // The embedded server has no brokers to probe over MQTT.
    System.setProperty("iothub.probe.enabled", "false");
    if (System.getProperty("quarkus.log.level") == null) {
      System.setProperty("quarkus.log.level", "WARN");
    }
    try {
      Quarkus.run(
          EmbeddedDemo.class,
          (code, failure) -> {
            kubelet.close();
            server.close();
            if (failure != null) {
              failure.printStackTrace();
            }
            System.exit(code);
          },
          args);
    } finally {
      kubelet.close();
    }
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
