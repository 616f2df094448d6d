package dev.iothub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.cli.ExitCodes;
import dev.iothub.cli.Launcher;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, {@code java -jar target/quarkus-app/quarkus-run.jar}, with a cluster
 * configured that it cannot use: it ends within seconds in one message of at most 5 lines (what it
 * tried, what to do, how to play the tutorial instead) and the documented exit code, never a stack
 * trace. The API server here is the fabric8 mock server answering what each case needs (401, 403,
 * or 404 as a server without the iothub.dev CRDs). IOTHUB_EMBEDDED=true: PlaygroundMainIT.
 */
class MainCommandFailuresIT {
  private static final String DISCOVERY = "/apis/iothub.dev/v1alpha1";
  private static final Duration QUICK = Duration.ofSeconds(10);

  @TempDir Path home;
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

  @Test
  void aClosedPortEndsInSecondsWithOneMessage() throws IOException {
    Path kubeconfig = kubeconfig("https://127.0.0.1:" + closedPort());

    Launcher.Result r = main(kubeconfig, Map.of(), Duration.ofSeconds(30));

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(r.took()).as(r.toString()).isLessThan(QUICK);
    List<String> lines = oneMessage(r);
    assertThat(lines.get(0))
        .startsWith(
            "iothub-operator: cannot reach the Kubernetes API server, server https://127.0.0")
        .contains("context stale-cluster of " + kubeconfig)
        .contains("Connection refused");
    assertThat(lines.get(1)).contains("kubectl cluster-info");
  }

  @Test
  void refusedCredentialsAreNamed() throws IOException {
    server
        .expect()
        .get()
        .withPath(DISCOVERY)
        .andReturn(401, status(401, "Unauthorized", "Unauthorized"))
        .always();

    Launcher.Result r = main(kubeconfig(masterUrl()), Map.of(), Duration.ofSeconds(30));

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.NO_CLUSTER);
    List<String> lines = oneMessage(r);
    assertThat(lines.get(0)).contains("refused the credentials (401 Unauthorized)");
    assertThat(lines.get(1)).contains("log in again");
  }

  @Test
  void forbiddenNamesTheRightsTheOperatorNeeds() throws IOException {
    server
        .expect()
        .get()
        .withPath(DISCOVERY)
        .andReturn(403, status(403, "Forbidden", "forbidden: User \"bob\" cannot get path"))
        .always();

    Launcher.Result r = main(kubeconfig(masterUrl()), Map.of(), Duration.ofSeconds(30));

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.API_ERROR);
    List<String> lines = oneMessage(r);
    assertThat(lines.get(0)).contains("denied access (403 Forbidden)");
    assertThat(lines.get(1)).contains("ClusterRole");
  }

  @Test
  void aClusterWithoutTheCrdsSaysHowToInstallThem() throws IOException {
    // The mock server answers 404 to everything it was not told about, as a real API server
    // without the iothub.dev CRDs answers their discovery path.
    Launcher.Result r = main(kubeconfig(masterUrl()), Map.of(), Duration.ofSeconds(30));

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.CRDS_NOT_INSTALLED);
    List<String> lines = oneMessage(r);
    assertThat(lines.get(0)).contains("does not serve iothub.dev/v1alpha1");
    assertThat(lines.get(1))
        .contains("kubectl apply -f " + Launcher.PROJECT.resolve("crds").toAbsolutePath() + "/");
  }

  /** The output, all of it: at most 5 lines, no stack trace, ending with the tutorial's command. */
  private static List<String> oneMessage(Launcher.Result r) {
    List<String> lines = (r.out() + r.err()).lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as(r.toString()).hasSizeBetween(2, 5);
    assertThat(r.out() + r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo(
            "To play the tutorial without a cluster instead: IOTHUB_EMBEDDED=true java -jar "
                + Launcher.PROJECT.resolve("target/quarkus-app/quarkus-run.jar").toAbsolutePath());
    return lines;
  }

  private Launcher.Result main(Path kubeconfig, Map<String, String> extra, Duration timeout) {
    Map<String, String> env = new HashMap<>();
    for (String variable :
        List.of("KUBERNETES_SERVICE_HOST", "KUBERNETES_MASTER", "IOTHUB_EMBEDDED")) {
      env.put(variable, null);
    }
    env.put("KUBECONFIG", kubeconfig.toString());
    env.putAll(extra);
    Path jar = Launcher.quarkusApp().resolve("quarkus-run.jar");
    return Launcher.run(
        List.of(Launcher.java(), "-Duser.home=" + home, "-jar", jar.toString()), env, "", timeout);
  }

  private String masterUrl() {
    return server.createClient().getConfiguration().getMasterUrl();
  }

  private Path kubeconfig(String server) throws IOException {
    return Files.writeString(
        home.resolve("kubeconfig.yaml"),
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster:
            server: "%s"
            insecure-skip-tls-verify: true
        contexts:
        - name: stale-cluster
          context: {cluster: gone, user: alice}
        current-context: stale-cluster
        users:
        - name: alice
          user: {token: not-a-valid-token}
        """
            .formatted(server));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static io.fabric8.kubernetes.api.model.Status status(
      int code, String reason, String message) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(code)
        .withReason(reason)
        .withMessage(message)
        .build();
  }
}
