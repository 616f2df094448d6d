package dev.iothub.embedded;

import dev.iothub.operator.objects.HubNames;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * SIMULATED: stands in for the kubelet and the Deployment controller of a real cluster, which the
 * embedded API server lacks. It reports the operator's broker Deployments available at their
 * desired replicas; with {@link #runPods} the pods really run (real mosquitto processes, see {@link
 * LocalMosquittoPods}) and a Deployment counts as available only while they do. Namespaces can be
 * held back ("broken") to play a region whose brokers never start.
 */
public final class SimulatedKubelet implements AutoCloseable {
  /** How often running pods are checked, as a kubelet's sync loop does (projected Secrets too). */
  static final Duration SYNC_PERIOD = Duration.ofMillis(200);

  /** Runs the pods of Deployments. */
  public interface Pods extends AutoCloseable {
    /**
     * Brings the Deployment's pods to what its spec asks (none once it is deleted) and returns how
     * many of them are available.
     */
    int sync(Deployment deployment, boolean deleted);

    @Override
    default void close() {}
  }

  /** No pod runs; every desired replica counts as available. */
  public static final Pods ACCOUNTED_ONLY = (d, deleted) -> deleted ? 0 : replicas(d);

  private final KubernetesClient client;
  private final Set<String> broken = ConcurrentHashMap.newKeySet();
  private volatile Pods pods = ACCOUNTED_ONLY;
  private SharedIndexInformer<Deployment> informer;
  private ScheduledExecutorService syncLoop;

  public SimulatedKubelet(KubernetesClient client) {
    this.client = client;
  }

  public SimulatedKubelet start() {
    informer =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel(HubNames.MANAGED_BY, HubNames.OPERATOR)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Deployment d) {
                    settle(d);
                  }

                  @Override
                  public void onUpdate(Deployment before, Deployment d) {
                    settle(d);
                  }

                  @Override
                  public void onDelete(Deployment d, boolean unknownFinalState) {
                    pods.sync(d, true);
                  }
                });
    return this;
  }

  /**
   * Runs the pods of every Deployment with {@code runner} from now on, and checks them every {@link
   * #SYNC_PERIOD} so that a pod that died, or a Secret it mounts that changed, is noticed.
   */
  public synchronized SimulatedKubelet runPods(Pods runner) {
    this.pods = runner;
    if (syncLoop == null) {
      syncLoop =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "simulated-kubelet-sync");
                t.setDaemon(true);
                return t;
              });
      syncLoop.scheduleWithFixedDelay(
          this::settleAll, 0, SYNC_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** Brokers in this namespace never become available, until {@link #repair}. */
  public void breakNamespace(String namespace) {
    broken.add(namespace);
  }

  public void repair(String namespace) {
    broken.remove(namespace);
    client.apps().deployments().inNamespace(namespace).list().getItems().forEach(this::settle);
  }

  private void settleAll() {
    try {
      informer.getStore().list().forEach(this::settle);
    } catch (RuntimeException e) {
      // The next period tries again; a scheduled task that throws would never run again.
    }
  }

  private synchronized void settle(Deployment d) {
    if (broken.contains(d.getMetadata().getNamespace())) {
      return;
    }
    int replicas = replicas(d);
    int available = pods.sync(d, false);
    Long generation = d.getMetadata().getGeneration();
    if (d.getStatus() != null
        && Objects.equals(d.getStatus().getReplicas(), replicas)
        && Objects.equals(d.getStatus().getAvailableReplicas(), available)
        && Objects.equals(d.getStatus().getObservedGeneration(), generation)) {
      return;
    }
    Deployment copy = client.getKubernetesSerialization().clone(d);
    copy.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(generation)
            .withReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withReadyReplicas(available)
            .withAvailableReplicas(available)
            .build());
    try {
      client
          .resource(copy)
          .lockResourceVersion(copy.getMetadata().getResourceVersion())
          .updateStatus();
    } catch (KubernetesClientException e) {
      // A newer version of the Deployment is on its way to this informer; it settles that one.
    }
  }

  static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  @Override
  public synchronized void close() {
    if (syncLoop != null) {
      syncLoop.shutdownNow();
    }
    if (informer != null) {
      informer.close();
    }
    pods.close();
  }
}
