package dev.iothub.cli;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * One command's view of the cluster: the client, the namespace, the terminal and the clock; {@code
 * commandName} is how the user calls this command line ({@code iothub} or {@code kubectl iothub}).
 */
record Session(
    ClusterConnector.Connection connection,
    String namespace,
    Terminal terminal,
    Clock clock,
    String commandName)
    implements AutoCloseable {

  KubernetesClient client() {
    return connection.client();
  }

  /** A command line to suggest, with this session's namespace. */
  String suggest(String subcommand) {
    return commandName + " " + subcommand + " -n " + namespace;
  }

  String server() {
    return String.valueOf(client().getConfiguration().getMasterUrl());
  }

  /** The hub, or a CliException that says whether the hub or the CRDs are missing. */
  IoTHub requireHub(String name) {
    IoTHub hub = client().resources(IoTHub.class).inNamespace(namespace).withName(name).get();
    if (hub != null) {
      return hub;
    }
    requireServed(IoTHub.class, "iothubs.iothub.dev");
    throw new CliException(ExitCodes.HUB_NOT_FOUND, hubNotFound(name));
  }

  /**
   * A GET of a missing object and of a missing resource type both answer 404 (the client returns
   * null for both); a LIST tells them apart: it answers 404 only when the type is not served.
   */
  void requireServed(Class<? extends HasMetadata> type, String crd) {
    try {
      client()
          .resources(type)
          .inNamespace(namespace)
          .list(new ListOptionsBuilder().withLimit(1L).build());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw crdsMissing(crd);
      }
      throw e;
    }
  }

  CliException crdsMissing(String crd) {
    return new CliException(
        ExitCodes.CRDS_NOT_INSTALLED,
        "The API server at "
            + server()
            + " does not serve "
            + crd
            + ": the iothub-operator's CRDs are not installed in this cluster. Install them with"
            + " kubectl apply -f "
            + Hints.projectPath("crds")
            + "/ (or the Helm chart in "
            + Hints.projectPath("helm/iothub-operator")
            + ") and run the operator.");
  }

  /** The requests of a hub in this namespace. */
  List<FailoverRequest> requestsOf(String hubName) {
    return client()
        .resources(FailoverRequest.class)
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .filter(r -> r.getSpec() != null && Objects.equals(hubName, r.getSpec().getHubName()))
        .toList();
  }

  private String hubNotFound(String name) {
    StringBuilder text =
        new StringBuilder("There is no IoTHub named " + name + " in namespace " + namespace + ".");
    List<IoTHub> here = client().resources(IoTHub.class).inNamespace(namespace).list().getItems();
    if (!here.isEmpty()) {
      text.append(" IoTHubs in ")
          .append(namespace)
          .append(": ")
          .append(String.join(", ", here.stream().map(h -> h.getMetadata().getName()).toList()))
          .append('.');
    }
    List<String> elsewhere = namespacesHolding(name);
    if (!elsewhere.isEmpty()) {
      text.append(" An IoTHub named ")
          .append(name)
          .append(" exists in namespace ")
          .append(String.join(", ", elsewhere))
          .append(": add -n ")
          .append(elsewhere.get(0))
          .append('.');
    } else if (here.isEmpty()) {
      text.append(" Choose the hub's namespace with -n (kubectl get iothubs -A lists them).");
    }
    return text.toString();
  }

  /** Namespaces that hold a hub of this name; empty when the user may not list cluster-wide. */
  private List<String> namespacesHolding(String name) {
    try {
      return client().resources(IoTHub.class).inAnyNamespace().list().getItems().stream()
          .filter(h -> name.equals(h.getMetadata().getName()))
          .map(h -> h.getMetadata().getNamespace())
          .filter(ns -> !namespace.equals(ns))
          .sorted()
          .toList();
    } catch (KubernetesClientException e) {
      return List.of();
    }
  }

  @Override
  public void close() {
    connection.close();
  }
}
