package dev.iothub.embedded;

import dev.iothub.operator.hub.HubNames;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SIMULATED: stands in for the kubelet and the Deployment controller of a real cluster, which the
 * embedded API server lacks. It marks the operator's broker Deployments available at their desired
 * replicas. Namespaces can be held back ("broken") to play a region whose brokers never start.
 */
public final class SimulatedKubelet implements AutoCloseable {
  private final KubernetesClient client;
  private final Set<String> broken = ConcurrentHashMap.newKeySet();
  private SharedIndexInformer<Deployment> informer;

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
                  public void onDelete(Deployment d, boolean unknownFinalState) {}
                });
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

  private void settle(Deployment d) {
    if (broken.contains(d.getMetadata().getNamespace())) {
      return;
    }
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    Long generation = d.getMetadata().getGeneration();
    if (d.getStatus() != null
        && Objects.equals(d.getStatus().getAvailableReplicas(), replicas)
        && Objects.equals(d.getStatus().getObservedGeneration(), generation)) {
      return;
    }
    d.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(generation)
            .withReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withReadyReplicas(replicas)
            .withAvailableReplicas(replicas)
            .build());
    try {
      client.resource(d).lockResourceVersion(d.getMetadata().getResourceVersion()).updateStatus();
    } catch (KubernetesClientException e) {
      // A newer version of the Deployment is on its way to this informer; it settles that one.
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
