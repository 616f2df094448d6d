package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.embedded.SimulatedKubelet;
import dev.iothub.packaging.Helm;
import dev.iothub.packaging.Project;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Kubernetes API server of the {@code *KubeIT} tier. Which one, in this order:
 *
 * <ol>
 *   <li>the cluster of the kubeconfig named by {@code IOTHUB_TEST_KUBECONFIG} (environment) or
 *       {@code iothub.test.kubeconfig} (system property): kind, minikube or any disposable cluster
 *       a user points the tier at. The tests create and delete namespaces there;
 *   <li>else a fresh control plane of {@code ../shared/kube/control-plane.sh} (an instance per
 *       checkout, or the one {@code IOTHUB_TEST_KUBE_INSTANCE} names), started once per test JVM
 *       and stopped when it exits;
 *   <li>else none: every test of the tier is skipped, and one line says why and how to run it.
 * </ol>
 *
 * <p>The kubeconfig's user is the cluster's administrator; the operator under test never runs with
 * it but with its chart ServiceAccount's token ({@link #kubeconfigFor}).
 */
public final class RealCluster {
  public static final String VARIABLE = "IOTHUB_TEST_KUBECONFIG";
  static final String PROPERTY = "iothub.test.kubeconfig";

  /**
   * Name of the control-plane instance: one per checkout (from its path), so that two checkouts
   * testing at once never stop each other's cluster; IOTHUB_TEST_KUBE_INSTANCE overrides it.
   */
  static final String INSTANCE =
      System.getenv()
          .getOrDefault(
              "IOTHUB_TEST_KUBE_INSTANCE",
              "it-" + Integer.toHexString(Project.DIR.toString().hashCode() & 0xfffffff));

  static final Path CONTROL_PLANE = Project.DIR.resolveSibling("shared/kube/control-plane.sh");

  /** Logs, kubeconfigs and rendered files of the tier. */
  public static final Path WORK = Project.path("target/kube-it");

  /** kubectl of the machine, or the one scripts/install-test-tools.sh put into .tools/. */
  static final String KUBECTL =
      Files.isExecutable(Project.path(".tools/kubectl/kubectl"))
          ? Project.path(".tools/kubectl/kubectl").toString()
          : "kubectl";

  /** The kubeconfig of a second cluster for the tests across clusters, on a user's machine. */
  public static final String PEER_VARIABLE = "IOTHUB_TEST_PEER_KUBECONFIG";

  private static RealCluster shared;
  private static String skipped;

  private final Path kubeconfig;
  private final KubernetesClient admin;
  private final boolean disposable;
  // The control-plane.sh instance, or null for a cluster a user named.
  private final String instance;

  private RealCluster(Path kubeconfig, boolean disposable) {
    this(kubeconfig, disposable, disposable ? INSTANCE : null);
  }

  private RealCluster(Path kubeconfig, boolean disposable, String instance) {
    this.kubeconfig = kubeconfig;
    this.disposable = disposable;
    this.instance = instance;
    this.admin = new KubernetesClientBuilder().withConfig(config(kubeconfig)).build();
  }

  /**
   * A second cluster, independent of {@link #get}'s, for the tests across clusters: another control
   * plane of {@code control-plane.sh} (instance {@code <instance>-<name>}, fresh), or the cluster
   * of the kubeconfig {@code IOTHUB_TEST_PEER_KUBECONFIG} names beside a user's {@code
   * IOTHUB_TEST_KUBECONFIG}. Skips the calling test class when there is none. {@link #stop} ends
   * it; the JVM's exit does too.
   */
  public static RealCluster peer(String name) {
    RealCluster main = get();
    if (!main.disposable) {
      String named = System.getenv(PEER_VARIABLE);
      Assumptions.assumeTrue(
          named != null && !named.isBlank(),
          "tests across clusters need a second cluster: set "
              + PEER_VARIABLE
              + " beside "
              + VARIABLE);
      return new RealCluster(Path.of(named), false, null);
    }
    String peerInstance = INSTANCE + "-" + name;
    controlPlane("down", peerInstance);
    String up = controlPlane("up", peerInstance);
    String[] lines = up.strip().split("\n");
    String last = lines[lines.length - 1];
    Runtime.getRuntime().addShutdownHook(new Thread(() -> controlPlane("down", peerInstance)));
    return new RealCluster(
        Path.of(last.substring("export KUBECONFIG=".length())), true, peerInstance);
  }

  /** Stops a cluster of {@link #peer} and deletes its data. */
  public void stop() {
    admin.close();
    if (instance != null && !instance.equals(INSTANCE)) {
      controlPlane("down", instance);
    }
  }

  /**
   * Freezes the API server's process (SIGSTOP): it still accepts connections and answers nothing,
   * as behind a network partition. {@link #thawApiServer} lets it go on with its data intact.
   */
  public void freezeApiServer() {
    signalApiServer("-STOP");
  }

  public void thawApiServer() {
    signalApiServer("-CONT");
  }

  private void signalApiServer(String signal) {
    Assumptions.assumeTrue(instance != null, "needs a control plane of control-plane.sh");
    String cache =
        System.getenv()
            .getOrDefault(
                "KUBE_CACHE", System.getenv().getOrDefault("TMPDIR", "/tmp") + "/iothub-kube");
    try {
      String pid = Files.readString(Path.of(cache, instance, "apiserver.pid")).strip();
      Helm.Result r = Helm.exec(List.of("kill", signal, pid), Project.DIR, Map.of());
      assertThat(r.ok()).as(r.describe()).isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The cluster of this test run; skips the calling test class when there is none. */
  public static synchronized RealCluster get() {
    if (shared == null && skipped == null) {
      shared = locate();
      if (shared == null) {
        System.out.println(skipped);
      }
    }
    Assumptions.assumeTrue(shared != null, skipped);
    return shared;
  }

  private static RealCluster locate() {
    String named = System.getProperty(PROPERTY, System.getenv(VARIABLE));
    if (named != null && !named.isBlank()) {
      Path file = Path.of(named);
      if (!Files.isRegularFile(file)) {
        throw new IllegalStateException(VARIABLE + " names " + file + ", which is not a file");
      }
      return new RealCluster(file, false);
    }
    if (!Files.isExecutable(CONTROL_PLANE)) {
      skipped =
          "Real-API tier (*KubeIT) skipped: no "
              + CONTROL_PLANE
              + " and no "
              + VARIABLE
              + ". Run it on any disposable cluster (kind, minikube) with "
              + VARIABLE
              + "=<its kubeconfig> mvn -B verify -Pkube";
      return null;
    }
    // A fresh cluster each run: what an earlier run left behind must not decide this one.
    controlPlane("down");
    String up = controlPlane("up");
    String[] lines = up.strip().split("\n");
    String last = lines[lines.length - 1];
    if (!last.startsWith("export KUBECONFIG=")) {
      throw new IllegalStateException("control-plane.sh up printed no KUBECONFIG:\n" + up);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> controlPlane("down")));
    System.out.println("Real-API tier: kube-apiserver v1.32 of " + CONTROL_PLANE);
    return new RealCluster(Path.of(last.substring("export KUBECONFIG=".length())), true);
  }

  private static String controlPlane(String command) {
    return controlPlane(command, INSTANCE);
  }

  private static String controlPlane(String command, String instance) {
    Helm.Result r =
        Helm.exec(List.of(CONTROL_PLANE.toString(), command, instance), Project.DIR, Map.of());
    if (!r.ok()) {
      throw new IllegalStateException("control-plane.sh " + command + " failed:\n" + r.describe());
    }
    return r.stdout();
  }

  private static Config config(Path kubeconfig) {
    try {
      return Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The administrator's client: what a test uses to play the user and the kubelet. */
  public KubernetesClient admin() {
    return admin;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** Whether the tier started this cluster itself (and may stop or restart parts of it). */
  public boolean disposable() {
    return disposable;
  }

  /** Closes what a test class started (operators, the kubelet), in order, skipping what is null. */
  public static void closeAll(AutoCloseable... parts) throws Exception {
    for (AutoCloseable part : parts) {
      if (part != null) {
        part.close();
      }
    }
  }

  /** Whether no kubelet runs (no Node), so that the tests must write Deployment status. */
  public boolean withoutKubelet() {
    return admin.nodes().list().getItems().isEmpty();
  }

  /**
   * Plays the kubelet where the cluster has none: reports the broker Deployments available. On a
   * cluster with nodes (kind) the brokers really run and this does nothing.
   */
  public AutoCloseable playKubelet() {
    return withoutKubelet() ? new SimulatedKubelet(admin).start() : () -> {};
  }

  /** The simulated kubelet, for tests that hold a region's brokers back; skips on real nodes. */
  public SimulatedKubelet simulatedKubelet() {
    Assumptions.assumeTrue(
        withoutKubelet(), "this test holds brokers back, which needs the simulated kubelet");
    return new SimulatedKubelet(admin).start();
  }

  /**
   * Installs or updates the project's CRDs (crds/) as the administrator, taking their fields over
   * from whichever apply came before (the README's steps apply them client-side).
   */
  public void installCrds() {
    kubectl("apply", "--server-side", "--force-conflicts", "-f", "crds/");
  }

  /** Runs kubectl as the administrator; fails the test when kubectl fails. */
  public String kubectl(String... args) {
    Helm.Result r = kubectlResult(args);
    assertThat(r.ok()).as(r.describe()).isTrue();
    return r.stdout();
  }

  /** Runs kubectl as the administrator and returns what it did, failed or not. */
  public Helm.Result kubectlResult(String... args) {
    List<String> command = new ArrayList<>();
    command.add(KUBECTL);
    command.addAll(Arrays.asList(args));
    return Helm.exec(command, Project.DIR, Map.of("KUBECONFIG", kubeconfig.toString()));
  }

  /** {@code kubectl apply -f} of this YAML text (written to a file of the tier's folder). */
  public String apply(String yaml) {
    try {
      Files.createDirectories(WORK);
      Path file = Files.createTempFile(WORK, "apply-", ".yaml");
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      return kubectl("apply", "-f", file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies a FailoverRequest for the hub, its confirmation typed right, as a user would. */
  public void requestFailover(String namespace, String name, String hub) {
    apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: FailoverRequest",
            "metadata: {name: " + name + ", namespace: " + namespace + "}",
            "spec: {hubName: " + hub + ", confirmHubName: " + hub + "}"));
  }

  /** Runs the project's helm against this cluster. */
  public Helm.Result helm(String... args) {
    return Helm.locate().run(Map.of("KUBECONFIG", kubeconfig.toString()), Arrays.asList(args));
  }

  public void createNamespaces(String... names) {
    for (String name : names) {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .createOr(existing -> existing.update());
    }
  }

  /**
   * Deletes the requests, Devices and hubs of the namespaces while the operator still runs (their
   * finalizers need it), one collection DELETE per kind (kubectl deletes one by one, 5 a second),
   * and waits up to a minute for them to go.
   */
  public void deleteHubs(String... namespaces) {
    List<Class<? extends HasMetadata>> kinds =
        List.of(FailoverRequest.class, Device.class, IoTHub.class);
    for (String ns : namespaces) {
      kinds.forEach(kind -> admin.resources(kind).inNamespace(ns).delete());
    }
    try {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Arrays.stream(namespaces)
                      .allMatch(
                          ns ->
                              kinds.stream()
                                  .allMatch(
                                      kind ->
                                          admin
                                              .resources(kind)
                                              .inNamespace(ns)
                                              .list()
                                              .getItems()
                                              .isEmpty())));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // deleteNamespaces, which comes next, releases what is still held by a finalizer.
    }
  }

  /**
   * Deletes the namespaces and waits until the namespace controller has emptied and removed them,
   * so that the next test class starts clean. Call it while the operator still runs: its finalizers
   * let the hubs go. What an operator that is gone left behind is released by removing the
   * finalizers of our custom resources.
   */
  public void deleteNamespaces(Duration atMost, String... names) {
    for (String name : names) {
      admin.namespaces().withName(name).delete();
    }
    try {
      awaitGone(atMost, names);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      for (String name : names) {
        for (Class<? extends HasMetadata> kind :
            List.of(IoTHub.class, FailoverRequest.class, Device.class, DeviceImport.class)) {
          admin.resources(kind).inNamespace(name).list().getItems().stream()
              .filter(o -> !o.getMetadata().getFinalizers().isEmpty())
              .forEach(
                  o ->
                      admin
                          .resource(o)
                          .edit(
                              x -> {
                                x.getMetadata().setFinalizers(List.of());
                                return x;
                              }));
        }
      }
      awaitGone(atMost, names);
    }
  }

  private void awaitGone(Duration atMost, String... names) {
    await()
        .atMost(atMost)
        .until(
            () -> Arrays.stream(names).allMatch(n -> admin.namespaces().withName(n).get() == null));
  }

  /**
   * A kubeconfig that authenticates as the ServiceAccount with a token from the TokenRequest API,
   * as a pod of that ServiceAccount would: the operator under test gets exactly the chart's RBAC.
   */
  public Path kubeconfigFor(String namespace, String serviceAccount) {
    String token =
        admin
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(serviceAccount)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config c = admin.getConfiguration();
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: test",
            "  cluster:",
            "    server: " + c.getMasterUrl(),
            "    certificate-authority-data: " + caData(c),
            "users:",
            "- name: " + serviceAccount,
            "  user:",
            "    token: " + token,
            "contexts:",
            "- name: test",
            "  context: {cluster: test, user: "
                + serviceAccount
                + ", namespace: "
                + namespace
                + "}",
            "current-context: test",
            "");
    try {
      Files.createDirectories(WORK);
      // One file per cluster: fabric8 reads it again to refresh the token, and two clusters may
      // have ServiceAccounts of the same name.
      Path file =
          WORK.resolve(
              namespace
                  + "-"
                  + serviceAccount
                  + "-"
                  + admin.getMasterUrl().getPort()
                  + ".kubeconfig");
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String caData(Config c) {
    if (c.getCaCertData() != null) {
      return c.getCaCertData();
    }
    try {
      return java.util.Base64.getEncoder()
          .encodeToString(Files.readAllBytes(Path.of(c.getCaCertFile())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
