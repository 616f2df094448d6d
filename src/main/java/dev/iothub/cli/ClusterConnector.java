package dev.iothub.cli;

import io.fabric8.kubernetes.client.KubernetesClient;

/** How the command line gets a client: from the kube context, or handed one (tests, playground). */
@FunctionalInterface
public interface ClusterConnector {

  /**
   * A client for the named kube context, or the current one when {@code context} is null.
   *
   * @throws CliException with {@link ExitCodes#NO_CLUSTER} when no cluster is configured
   */
  Connection connect(String context);

  /** A client and whether the command line closes it when the command ends. */
  record Connection(KubernetesClient client, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        client.close();
      }
    }
  }

  /** Always the given client, which stays open (its owner closes it). */
  static ClusterConnector shared(KubernetesClient client) {
    return context -> new Connection(client, false);
  }
}
