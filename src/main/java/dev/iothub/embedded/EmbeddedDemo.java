package dev.iothub.embedded;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the main command does without a cluster: the operator runs on the embedded API server, the
 * example hub of the tutorial is applied, and its status is shown as it becomes ready.
 */
public class EmbeddedDemo implements QuarkusApplication {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String EXAMPLES = "META-INF/iothub/examples/tutorial/";

  @Inject KubernetesClient client;
  @Inject Operator operator;

  private final PrintStream out = System.out;

  @Override
  public int run(String... args) throws Exception {
    operator.start();
    try {
      return walkExampleHub();
    } finally {
      operator.stop();
    }
  }

  private int walkExampleHub() throws Exception {
    out.println("No Kubernetes cluster is configured: running iothub-operator on an embedded API");
    out.println("server (in-process, CRDs loaded). Broker pods are SIMULATED: a stand-in kubelet");
    out.println("marks broker Deployments available. Set KUBECONFIG to run against a cluster.");
    out.println();
    List<HasMetadata> namespaces = load("00-namespaces.yaml");
    for (HasMetadata ns : namespaces) {
      if (ns instanceof Namespace) {
        client.resource(ns).createOr(r -> r.update());
        out.println("$ kubectl create namespace " + ns.getMetadata().getName());
      }
    }
    IoTHub hub = loadOne("01-hub.yaml", IoTHub.class);
    client.resource(hub).create();
    out.println(
        "$ kubectl apply -f examples/tutorial/01-hub.yaml   # IoTHub "
            + hub.getMetadata().getName()
            + " in "
            + hub.getSpec().getLocation());
    out.println();

    Instant deadline = Instant.now().plus(TIMEOUT);
    String lastShown = null;
    while (Instant.now().isBefore(deadline)) {
      IoTHub current =
          client
              .resources(IoTHub.class)
              .inNamespace(hub.getMetadata().getNamespace())
              .withName(hub.getMetadata().getName())
              .get();
      IoTHubStatus s = current == null ? null : current.getStatus();
      String line = s == null ? "(no status yet)" : s.getState() + ": " + s.getMessage();
      if (!Objects.equals(line, lastShown)) {
        out.println("  status: " + line);
        lastShown = line;
      }
      if (s != null && Conditions.isTrue(s.getConditions(), "Ready")) {
        out.println();
        out.println("$ kubectl get iothubs -n " + hub.getMetadata().getNamespace());
        out.printf(
            "%-14s %-16s %-16s %-8s %-8s%n", "NAME", "CURRENT", "FAILOVER", "DEVICES", "STATE");
        out.printf(
            "%-14s %-16s %-16s %-8s %-8s%n",
            current.getMetadata().getName(),
            s.getCurrentLocation().getDisplayName(),
            s.getFailoverLocation().getDisplayName(),
            s.getRegistry() == null ? "0" : s.getRegistry().getDevices(),
            s.getState());
        out.println();
        out.println("Host name: " + s.getHostName());
        out.println(
            "On a real cluster: kubectl apply -f crds/ && kubectl apply -f examples/tutorial/, with"
                + " the operator running (see README.md).");
        return 0;
      }
      Thread.sleep(200);
    }
    out.println("The hub did not become ready within " + TIMEOUT.toSeconds() + " s: " + lastShown);
    return 1;
  }

  private <T> T loadOne(String file, Class<T> type) throws Exception {
    try (InputStream in = open(file)) {
      return client.getKubernetesSerialization().unmarshal(in, type);
    }
  }

  private InputStream open(String file) {
    InputStream in = getClass().getClassLoader().getResourceAsStream(EXAMPLES + file);
    if (in == null) {
      throw new IllegalStateException(
          "example " + file + " is not packaged; build with mvn package");
    }
    return in;
  }

  private List<HasMetadata> load(String file) throws Exception {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(EXAMPLES + file)) {
      if (in == null) {
        throw new IllegalStateException(
            "example " + file + " is not packaged; build with mvn package");
      }
      return client.load(in).items();
    }
  }
}
