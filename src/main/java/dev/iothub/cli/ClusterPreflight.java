package dev.iothub.cli;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * One question to the API server before the operator starts: does it answer, accept these
 * credentials and serve our CRDs? Without it, the operator's informers retry an unreachable server
 * for tens of seconds and print hundreds of lines of stack traces; with it, the main command ends
 * in a few seconds with one message: what was tried, what to do, how to run the tutorial instead.
 */
public final class ClusterPreflight {
  /** Short on purpose: the main command must end within a few seconds when nothing answers. */
  static final int CONNECT_TIMEOUT_MILLIS = 3_000;

  static final int REQUEST_TIMEOUT_MILLIS = 5_000;
  static final String GROUP_VERSION = "iothub.dev/v1alpha1";
  static final Set<String> RESOURCES = Set.of("iothubs", "failoverrequests");

  /**
   * Why the operator cannot start on this cluster: an exit code of {@link ExitCodes}, a message.
   */
  public record Failure(int exitCode, String message) {}

  private ClusterPreflight() {}

  /** Checks the cluster of the current kube context (KUBECONFIG, ~/.kube/config or in-cluster). */
  public static Optional<Failure> checkCurrentContext() {
    Config config;
    try {
      config = Config.autoConfigure(null);
    } catch (RuntimeException e) {
      return Optional.of(
          new Failure(
              ExitCodes.NO_CLUSTER,
              "iothub-operator: cannot read the kubeconfig "
                  + kubeconfigSources()
                  + " ("
                  + oneLine(e)
                  + ").\nFix it or point KUBECONFIG at a valid one (kubectl config view shows what"
                  + " kubectl reads).\n"
                  + tutorialHint()));
    }
    return check(config);
  }

  /** Checks the cluster that {@code config} names; empty when the operator may start. */
  public static Optional<Failure> check(Config config) {
    String tried = tried(config);
    config.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
    config.setRequestTimeout(REQUEST_TIMEOUT_MILLIS);
    // The client would otherwise retry a refused connection, for a minute or more.
    config.setRequestRetryBackoffLimit(0);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      APIResourceList served = client.getApiResources(GROUP_VERSION);
      if (served == null || !servesOurResources(served)) {
        return Optional.of(crdsMissing(tried));
      }
      return Optional.empty();
    } catch (KubernetesClientException e) {
      return Optional.of(translate(e, tried));
    } catch (RuntimeException e) {
      // A broken client configuration (bad certificate file, unknown auth plugin...).
      return Optional.of(
          new Failure(
              ExitCodes.NO_CLUSTER,
              "iothub-operator: cannot connect to "
                  + tried
                  + ": "
                  + oneLine(e)
                  + ".\nFix the context's cluster or user entry (kubectl config view --minify).\n"
                  + tutorialHint()));
    }
  }

  static Failure translate(KubernetesClientException e, String tried) {
    IOException io = ioCause(e);
    if (io instanceof SSLException) {
      return new Failure(
          ExitCodes.NO_CLUSTER,
          "iothub-operator: TLS with the Kubernetes API server failed, "
              + tried
              + ": "
              + oneLine(io)
              + ".\nThe kubeconfig may be stale (a cluster re-created with a new CA): fetch it again"
              + " and retry.\n"
              + tutorialHint());
    }
    if (io != null || e.getCode() == 0) {
      return new Failure(
          ExitCodes.NO_CLUSTER,
          "iothub-operator: cannot reach the Kubernetes API server, "
              + tried
              + ": "
              + oneLine(io != null ? io : e)
              + ".\nCheck that the cluster runs and that this is the context you mean: kubectl"
              + " config current-context; kubectl cluster-info.\n"
              + tutorialHint());
    }
    return switch (e.getCode()) {
      case 401 ->
          new Failure(
              ExitCodes.NO_CLUSTER,
              "iothub-operator: the Kubernetes API server refused the credentials (401"
                  + " Unauthorized), "
                  + tried
                  + ".\nThe token or certificate is stale or wrong: log in again (or fetch the"
                  + " kubeconfig again), then retry.\n"
                  + tutorialHint());
      case 403 ->
          new Failure(
              ExitCodes.API_ERROR,
              "iothub-operator: the Kubernetes API server denied access (403 Forbidden), "
                  + tried
                  + ".\nThe operator needs the rights of the Helm chart's ClusterRole"
                  + " ("
                  + Hints.projectPath("helm/iothub-operator")
                  + "; docs/operations.md), or run it as a cluster admin.\n"
                  + tutorialHint());
      case 404 -> crdsMissing(tried);
      default ->
          new Failure(
              ExitCodes.API_ERROR,
              "iothub-operator: the Kubernetes API server answered "
                  + e.getCode()
                  + ", "
                  + tried
                  + ": "
                  + statusMessage(e)
                  + ".\n"
                  + tutorialHint());
    };
  }

  private static Failure crdsMissing(String tried) {
    return new Failure(
        ExitCodes.CRDS_NOT_INSTALLED,
        "iothub-operator: the cluster does not serve "
            + GROUP_VERSION
            + " (iothubs, failoverrequests), "
            + tried
            + ".\nInstall the CRDs first: kubectl apply -f "
            + Hints.projectPath("crds")
            + "/ (or install the Helm chart), then start the operator again.\n"
            + tutorialHint());
  }

  private static boolean servesOurResources(APIResourceList list) {
    List<APIResource> resources = list.getResources();
    return resources != null
        && resources.stream()
            .map(APIResource::getName)
            .collect(Collectors.toSet())
            .containsAll(RESOURCES);
  }

  /** Which server, context and kubeconfig were tried: what a person needs to see the mistake. */
  static String tried(Config config) {
    StringBuilder s = new StringBuilder("server ").append(config.getMasterUrl());
    if (config.getCurrentContext() != null) {
      s.append(", context ").append(config.getCurrentContext().getName());
    }
    File file = config.getFile();
    if (file != null) {
      s.append(" of ").append(file.getAbsolutePath());
    } else if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
      s.append(" (in-cluster service account)");
    } else if (config.getCurrentContext() == null) {
      // The client falls back to the in-cluster address when the current context names nothing.
      s.append(" (no usable current-context in ").append(kubeconfigSources()).append(")");
    }
    return s.toString();
  }

  /** Where the kubeconfig is read from, as kubectl reads it. */
  static String kubeconfigSources() {
    String kubeconfig = System.getenv("KUBECONFIG");
    return kubeconfig != null && !kubeconfig.isBlank()
        ? kubeconfig
        : Path.of(System.getProperty("user.home"), ".kube", "config").toString();
  }

  static String tutorialHint() {
    return "To play the tutorial without a cluster instead: IOTHUB_EMBEDDED=true java -jar "
        + Hints.mainJar();
  }

  private static String oneLine(Throwable t) {
    String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
    return t.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }

  private static String statusMessage(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }

  private static IOException ioCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException io) {
        return io;
      }
    }
    return null;
  }
}
