package dev.iothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errors of the command line, each with its own exit code: no cluster, an API server that
 * cannot be reached or refuses the credentials, CRDs that are not installed, permissions. The API
 * server here answers only what a test tells it to, and 404 to everything else, as a real server
 * without the iothub.dev CRDs does.
 */
class CliErrorsMockTest {
  private static final String HUBS = "/apis/iothub.dev/v1alpha1/namespaces/manlfailrg/iothubs";
  private static final List<List<String>> EVERY_COMMAND =
      List.of(
          List.of("hub", "show", "contoso-hub", "-n", "manlfailrg"),
          List.of(
              "failover", "start", "contoso-hub", "-n", "manlfailrg", "--confirm", "contoso-hub"),
          List.of("failover", "status", "contoso-hub", "-n", "manlfailrg"),
          List.of("failover", "history", "contoso-hub", "-n", "manlfailrg"));

  private KubernetesMockServer server;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(false);
    server.init(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    server.destroy();
  }

  private CliRun.Result cli(ClusterConnector connector, String... args) {
    return CliRun.run(connector, Clock.systemUTC(), "contoso-hub\n", args);
  }

  private ClusterConnector mockServer() {
    return context -> KubeConfigConnector.connect(server.createClient().getConfiguration());
  }

  @Test
  void noClusterConfigured(@TempDir Path home) {
    KubeConfigConnector nothing = new KubeConfigConnector(Map.of(), new Properties(), home);
    for (List<String> command : EVERY_COMMAND) {
      CliRun.Result r = cli(nothing, command.toArray(String[]::new));
      assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.NO_CLUSTER);
      assertThat(r.err())
          .startsWith("error: No Kubernetes cluster is configured: KUBECONFIG is not set, ")
          .contains(home.resolve(".kube/config").toString())
          .contains("java -jar target/quarkus-app/quarkus-run.jar");
    }
    String missing = home.resolve("missing.yaml").toString();
    CliRun.Result r =
        cli(
            new KubeConfigConnector(Map.of("KUBECONFIG", missing), new Properties(), home),
            "hub",
            "show",
            "contoso-hub");
    assertThat(r.code()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(r.err())
        .startsWith(
            "error: No Kubernetes cluster is configured: no file named in KUBECONFIG ("
                + missing
                + ") exists and this is not a pod.");
  }

  @Test
  void anApiServerThatCannotBeReached() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    ClusterConnector closed =
        context -> KubeConfigConnector.connect(new ConfigBuilder().withMasterUrl(url).build());
    for (List<String> command : EVERY_COMMAND) {
      long started = System.nanoTime();
      CliRun.Result r = cli(closed, command.toArray(String[]::new));
      assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.NO_CLUSTER);
      assertThat(r.err())
          .startsWith("error: Cannot reach the Kubernetes API server at " + url)
          .contains("kubectl config current-context");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void crdsNotInstalled() {
    for (List<String> command : EVERY_COMMAND) {
      CliRun.Result r = cli(mockServer(), command.toArray(String[]::new));
      assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.CRDS_NOT_INSTALLED);
      assertThat(r.err())
          .startsWith("error: The API server at ")
          .contains(
              "does not serve iothubs.iothub.dev: the iothub-operator's CRDs are not installed in"
                  + " this cluster. Install them with kubectl apply -f crds/");
    }
  }

  /** IoTHubs served, FailoverRequests not (a partial install); --no-wait: no watch of the hub. */
  @Test
  void failoverRequestsNotServedWhenCreating() {
    server.expect().get().withPath(HUBS + "/contoso-hub").andReturn(200, hub()).always();

    CliRun.Result r =
        cli(
            mockServer(),
            "failover",
            "start",
            "contoso-hub",
            "-n",
            "manlfailrg",
            "--confirm",
            "contoso-hub",
            "--no-wait");

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.CRDS_NOT_INSTALLED);
    assertThat(r.err()).contains("does not serve failoverrequests.iothub.dev");
  }

  @Test
  void credentialsRefused() {
    server
        .expect()
        .get()
        .withPath(HUBS + "/contoso-hub")
        .andReturn(401, status(401, "Unauthorized", "Unauthorized"))
        .always();

    CliRun.Result r = cli(mockServer(), "hub", "show", "contoso-hub", "-n", "manlfailrg");

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(r.err())
        .contains("refused the credentials of the current context (401 Unauthorized)");
  }

  @Test
  void permissionDenied() {
    String message =
        "iothubs.iothub.dev \"contoso-hub\" is forbidden: User \"alice\" cannot get resource"
            + " \"iothubs\" in API group \"iothub.dev\" in the namespace \"manlfailrg\"";
    server
        .expect()
        .get()
        .withPath(HUBS + "/contoso-hub")
        .andReturn(403, status(403, "Forbidden", message))
        .always();

    CliRun.Result r = cli(mockServer(), "hub", "show", "contoso-hub", "-n", "manlfailrg");

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(r.err())
        .isEqualTo(
            "error: Permission denied: "
                + message
                + ". The iothub command line needs get, list and watch on iothubs and"
                + " failoverrequests (group iothub.dev) and create on failoverrequests, in"
                + " namespace manlfailrg.\n");
  }

  private static Status status(int code, String reason, String message) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(code)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  private static IoTHub hub() {
    IoTHub hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder().withName("contoso-hub").withNamespace("manlfailrg").build());
    IoTHubSpec spec = new IoTHubSpec();
    spec.setLocation("westus2");
    hub.setSpec(spec);
    return hub;
  }
}
