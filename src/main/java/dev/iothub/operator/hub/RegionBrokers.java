package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.ObjectWriter;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;

/** The broker tier of a hub in its region namespaces: applied, observed and removed. */
public final class RegionBrokers {
  private final KubernetesClient client;
  private final ObjectWriter writer;

  public RegionBrokers(KubernetesClient client) {
    this.client = client;
    this.writer = new ObjectWriter(client);
  }

  public boolean namespaceExists(Region region) {
    return client.namespaces().withName(region.namespace()).get() != null;
  }

  /** Makes the broker objects of the hub in the region match the desired replicas. */
  public void apply(IoTHub hub, Region region, int replicas) {
    writer.apply(BrokerResources.config(hub, region), ConfigMap::getData);
    writer.apply(BrokerResources.service(hub, region), s -> s.getSpec().getPorts());
    writer.apply(BrokerResources.deployment(hub, region, replicas), d -> d.getSpec().getReplicas());
  }

  /** True when the region's broker Deployment runs the desired replicas, all updated and ready. */
  public boolean isAvailable(IoTHub hub, Region region, int replicas) {
    Deployment d =
        client
            .apps()
            .deployments()
            .inNamespace(region.namespace())
            .withName(HubNames.broker(hub))
            .get();
    if (d == null || !Objects.equals(d.getSpec().getReplicas(), replicas)) {
      return false;
    }
    if (replicas == 0) {
      return true;
    }
    DeploymentStatus s = d.getStatus();
    if (s == null) {
      return false;
    }
    Long generation = d.getMetadata().getGeneration();
    boolean observed =
        generation == null
            || (s.getObservedGeneration() != null && s.getObservedGeneration() >= generation);
    return observed
        && count(s.getUpdatedReplicas()) >= replicas
        && count(s.getAvailableReplicas()) >= replicas;
  }

  /** Deletes every object of the hub in the region's namespace; a missing namespace is fine. */
  public void deleteAll(IoTHub hub, Region region) {
    String selector = HubNames.ownerSelector(hub);
    String ns = region.namespace();
    client.apps().deployments().inNamespace(ns).withLabelSelector(selector).delete();
    client.services().inNamespace(ns).withLabelSelector(selector).delete();
    client.configMaps().inNamespace(ns).withLabelSelector(selector).delete();
    client.secrets().inNamespace(ns).withLabelSelector(selector).delete();
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }
}
