package dev.iothub.embedded;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * SIMULATED kubelet, real brokers: each broker Deployment with replicas runs as one local mosquitto
 * process ({@link LocalBrokerPod}) from the objects the operator wrote, and stops when the
 * Deployment scales to zero or goes away. A changed pod template replaces the process, as a rollout
 * would. {@link #resolve} plays the cluster's DNS for the Services in front of them.
 */
public final class LocalMosquittoPods implements SimulatedKubelet.Pods {
  private static final Logger LOG = Logger.getLogger(LocalMosquittoPods.class);
  private static final int MAX_ALIASES = 5;

  /** Where a Service name led: the pod that answers and its loopback port. */
  public record Endpoint(String namespace, String deployment, int port, long pid) {}

  private record Running(LocalBrokerPod pod, String deployment, String template) {
    Endpoint endpoint() {
      return new Endpoint(pod.namespace(), deployment, pod.port(), pod.pid());
    }
  }

  private final KubernetesClient client;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  // The processes are children of this JVM but do not die with it: Ctrl-C must stop them too.
  private final Thread stopOnExit = new Thread(this::stopAll, "local-mosquitto-pods-stop");

  private LocalMosquittoPods(KubernetesClient client) {
    this.client = client;
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /** Pods on this machine's mosquitto ({@link MosquittoProcess#binary()}). */
  public static LocalMosquittoPods create(KubernetesClient client) {
    return new LocalMosquittoPods(client);
  }

  @Override
  public synchronized int sync(Deployment d, boolean deleted) {
    String key = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
    int replicas = SimulatedKubelet.replicas(d);
    Running current = running.get(key);
    String template = client.getKubernetesSerialization().asJson(d.getSpec().getTemplate());
    if (current != null
        && (deleted
            || replicas == 0
            || !current.template().equals(template)
            || !current.pod().isAlive())) {
      running.remove(key).pod().close();
      current = null;
    }
    if (deleted || replicas == 0) {
      return 0;
    }
    try {
      if (current == null) {
        current = new Running(LocalBrokerPod.start(client, d), d.getMetadata().getName(), template);
        running.put(key, current);
      } else {
        current.pod().refresh();
      }
      failures.remove(key);
      // One process stands for every replica: the endpoint does not care how many there are.
      return replicas;
    } catch (RuntimeException e) {
      if (client.getHttpClient().isClosed()) {
        return 0; // shutting down: the pods stop with close()
      }
      // Like a pod in CrashLoopBackOff: said once per cause, tried again on the next sync.
      if (!String.valueOf(e.getMessage())
          .equals(failures.put(key, String.valueOf(e.getMessage())))) {
        LOG.warnf("The local broker for Deployment %s does not run: %s", key, e.getMessage());
      }
      return 0;
    }
  }

  /**
   * The pod behind a Service host name ({@code <service>.<namespace>.svc.<cluster domain>}),
   * following ExternalName aliases as DNS follows a CNAME; empty when no running pod answers.
   */
  public Optional<Endpoint> resolve(String host) {
    String name = host;
    for (int hop = 0; hop < MAX_ALIASES; hop++) {
      String[] labels = name.split("\\.");
      if (labels.length < 3 || !labels[2].equals("svc")) {
        return Optional.empty();
      }
      Service s = client.services().inNamespace(labels[1]).withName(labels[0]).get();
      if (s == null || s.getSpec() == null) {
        return Optional.empty();
      }
      if ("ExternalName".equals(s.getSpec().getType())) {
        name = s.getSpec().getExternalName();
        continue;
      }
      Map<String, String> selector = s.getSpec().getSelector();
      return running.values().stream()
          .filter(r -> r.pod().namespace().equals(labels[1]) && r.pod().selectedBy(selector))
          .filter(r -> r.pod().isAlive())
          .findFirst()
          .map(Running::endpoint);
    }
    return Optional.empty();
  }

  /** The running pod of a Deployment, if there is one. */
  public Optional<Endpoint> pod(String namespace, String deployment) {
    Running r = running.get(namespace + "/" + deployment);
    return r == null || !r.pod().isAlive() ? Optional.empty() : Optional.of(r.endpoint());
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running or has run.
    }
  }

  private synchronized void stopAll() {
    running.values().forEach(r -> r.pod().close());
    running.clear();
  }
}
