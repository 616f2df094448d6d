package dev.iothub.cli;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Connects like kubectl: the in-cluster service account, {@code KUBECONFIG} or {@code
 * ~/.kube/config}, and its current context (or {@code --context}). When none of them exists it says
 * so, instead of letting the client try {@code https://kubernetes.default.svc}.
 */
public final class KubeConfigConnector implements ClusterConnector {
  /** How long to wait for the API server to accept a connection. */
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final Map<String, String> env;
  private final Properties systemProperties;
  private final Path home;

  public KubeConfigConnector(Map<String, String> env, Properties systemProperties, Path home) {
    this.env = env;
    this.systemProperties = systemProperties;
    this.home = home;
  }

  public static KubeConfigConnector system() {
    return new KubeConfigConnector(
        System.getenv(), System.getProperties(), Path.of(System.getProperty("user.home")));
  }

  /** Whether any source of cluster credentials exists, as kubectl would look for them. */
  public boolean configured() {
    if (env.get("KUBERNETES_SERVICE_HOST") != null
        || env.get("KUBERNETES_MASTER") != null
        || systemProperties.getProperty("kubernetes.master") != null) {
      return true;
    }
    String kubeconfig = env.get("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      return Arrays.stream(kubeconfig.split(File.pathSeparator))
          .anyMatch(p -> !p.isBlank() && Files.isRegularFile(Path.of(p)));
    }
    return Files.isRegularFile(home.resolve(".kube").resolve("config"));
  }

  @Override
  public Connection connect(String context) {
    if (!configured()) {
      String kubeconfig = env.get("KUBECONFIG");
      String looked =
          kubeconfig != null && !kubeconfig.isBlank()
              ? "no file named in KUBECONFIG (" + kubeconfig + ") exists"
              : "KUBECONFIG is not set, "
                  + home.resolve(".kube").resolve("config")
                  + " does not exist";
      throw new CliException(
          ExitCodes.NO_CLUSTER,
          "No Kubernetes cluster is configured: "
              + looked
              + " and this is not a pod. Point KUBECONFIG at your cluster's kubeconfig (kubectl"
              + " config current-context shows the context iothub uses), or try the tutorial"
              + " without a cluster: java -jar "
              + Hints.mainJar());
    }
    Config config = Config.autoConfigure(context);
    if (context != null && !hasContext(config.getContexts(), context)) {
      throw new CliException(
          ExitCodes.NO_CLUSTER,
          "There is no context '"
              + context
              + "' in the kubeconfig. Contexts: "
              + (config.getContexts() == null || config.getContexts().isEmpty()
                  ? "(none)"
                  : String.join(
                      ", ", config.getContexts().stream().map(NamedContext::getName).toList()))
              + ".");
    }
    return connect(config);
  }

  /** A client for this configuration, which fails fast when the server cannot be reached. */
  static Connection connect(Config config) {
    config.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
    // The client would otherwise retry a refused connection ten times, for a minute or more.
    config.setRequestRetryBackoffLimit(0);
    return new Connection(new KubernetesClientBuilder().withConfig(config).build(), true);
  }

  private static boolean hasContext(List<NamedContext> contexts, String name) {
    return contexts != null && contexts.stream().anyMatch(c -> name.equals(c.getName()));
  }
}
