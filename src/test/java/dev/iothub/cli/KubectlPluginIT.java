package dev.iothub.cli;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher bin/kubectl-iothub, run as a process on the packaged jars (after mvn package), with
 * a kubeconfig whose current context points at the embedded API server where the operator runs: the
 * way a person runs it, and through kubectl's plugin mechanism.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlPluginIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String HUB = "contoso-hub";
  private static OperatorHarness h;
  @TempDir static Path tmp;
  private static Path kubeconfig;

  @BeforeAll
  static void start() throws IOException {
    Launcher.quarkusApp();
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    IoTHub hub = new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml");
    Region westus2 = h.settings().regions().find("westus2").orElseThrow();
    new RegistryStore(h.client())
        .write(hub, westus2, HubFixtures.devices(300, "dev-"), h.clock().instant());
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> Long.valueOf(300).equals(h.hub(NS, HUB).getStatus().getRegistry().getDevices()));
    kubeconfig = kubeconfig("embedded", h.server().url(), NS);
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  private static Launcher.Result launcher(Map<String, String> env, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Launcher.PROJECT.resolve("bin/kubectl-iothub").toString());
    command.addAll(List.of(args));
    Map<String, String> environment = new HashMap<>();
    environment.put("KUBECONFIG", kubeconfig.toString());
    environment.put("KUBERNETES_SERVICE_HOST", null);
    environment.put("KUBERNETES_MASTER", null);
    environment.putAll(env);
    return Launcher.run(command, environment, stdin, TIMEOUT);
  }

  @Test
  @Order(1)
  void showsTheHubOfTheContextsNamespace() {
    Launcher.Result r = launcher(Map.of(), "", "hub", "show", HUB);

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("IoT hub:            contoso-hub (namespace manlfailrg)")
        .contains("Current location:   West US 2 (westus2)")
        .contains("Devices:            300");
    assertThat(r.err()).as(r.toString()).isEmpty();
  }

  @Test
  @Order(2)
  void failsOverWithTheConfirmationTypedOnStandardInput() {
    Launcher.Result r = launcher(Map.of(), HUB + "\n", "failover", "start", HUB);

    assertThat(r.code()).as(r.toString()).isZero();
    CliRun.inOrder(
        r.out(),
        "Type the hub name to confirm the manual failover: contoso-hub\n",
        "Manual failover in progress.",
        "[####################] 100%  done                           300/300 devices\n",
        "Manual failover is complete. contoso-hub is running in West Central US.");
    assertThat(h.hub(NS, HUB).getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
  }

  @Test
  @Order(3)
  void aWrongConfirmationTypedOnStandardInputCreatesNothing() {
    int before =
        h.client()
            .resources(dev.iothub.api.v1alpha1.FailoverRequest.class)
            .inNamespace(NS)
            .list()
            .getItems()
            .size();

    Launcher.Result r = launcher(Map.of(), "contoso\n", "failover", "start", HUB);

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.WRONG_CONFIRMATION);
    assertThat(r.err()).contains("'contoso' does not match the hub name 'contoso-hub'");
    assertThat(
            h.client()
                .resources(dev.iothub.api.v1alpha1.FailoverRequest.class)
                .inNamespace(NS)
                .list()
                .getItems())
        .hasSize(before);
  }

  @Test
  @Order(4)
  void noClusterAndAClusterThatCannotBeReached() throws IOException {
    Path emptyHome = Files.createDirectories(tmp.resolve("home"));
    Map<String, String> nothing = new HashMap<>();
    nothing.put("KUBECONFIG", null);
    nothing.put("IOTHUB_JAVA_OPTS", "-Duser.home=" + emptyHome);
    Launcher.Result none = launcher(nothing, "", "hub", "show", HUB);
    assertThat(none.code()).as(none.toString()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(none.err()).startsWith("error: No Kubernetes cluster is configured");
    // The hint works from any directory: the launcher passes the project directory.
    assertThat(none.err())
        .endsWith(
            "java -jar "
                + Launcher.PROJECT.resolve("target/quarkus-app/quarkus-run.jar").toAbsolutePath()
                + "\n");

    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path closed = kubeconfig("closed", "http://127.0.0.1:" + port, NS);
    Launcher.Result down =
        launcher(Map.of("KUBECONFIG", closed.toString()), "", "hub", "show", HUB);
    assertThat(down.code()).as(down.toString()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(down.err())
        .startsWith("error: Cannot reach the Kubernetes API server at http://127.0.0.1:" + port);

    Launcher.Result context = launcher(Map.of(), "", "hub", "show", HUB, "--context", "nope");
    assertThat(context.code()).as(context.toString()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(context.err())
        .contains("There is no context 'nope' in the kubeconfig. Contexts: embedded.");
  }

  @Test
  @Order(5)
  void runsAsAKubectlPlugin() {
    assumeTrue(onPath("kubectl"), "kubectl is not installed");
    Map<String, String> env = new HashMap<>();
    env.put("PATH", Launcher.PROJECT.resolve("bin") + File.pathSeparator + System.getenv("PATH"));
    env.put("KUBECONFIG", kubeconfig.toString());

    Launcher.Result help = Launcher.run(List.of("kubectl", "iothub", "--help"), env, "", TIMEOUT);
    assertThat(help.code()).as(help.toString()).isZero();
    assertThat(help.out()).startsWith("Usage: kubectl iothub ");

    Launcher.Result history =
        Launcher.run(List.of("kubectl", "iothub", "failover", "history", HUB), env, "", TIMEOUT);
    assertThat(history.code()).as(history.toString()).isZero();
    assertThat(history.out())
        .containsPattern("Failover +Succeeded +West US 2 +West Central US +300");

    Launcher.Result missing =
        Launcher.run(List.of("kubectl", "iothub", "hub", "show", "fabrikam-hub"), env, "", TIMEOUT);
    assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCodes.HUB_NOT_FOUND);
  }

  private static Path kubeconfig(String name, String server, String namespace) throws IOException {
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: " + name,
            "  cluster:",
            "    server: " + server,
            "contexts:",
            "- name: " + name,
            "  context:",
            "    cluster: " + name,
            "    namespace: " + namespace,
            "    user: " + name,
            "current-context: " + name,
            "users:",
            "- name: " + name,
            "  user: {}",
            "");
    return Files.writeString(tmp.resolve(name + ".kubeconfig"), yaml);
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null
        && java.util.Arrays.stream(path.split(File.pathSeparator))
            .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }
}
