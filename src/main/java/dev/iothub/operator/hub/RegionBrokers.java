package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.ObjectReads;
import dev.iothub.operator.objects.ObjectWriter;
import dev.iothub.operator.objects.Ownership;
import dev.iothub.operator.objects.SecretMetadata;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** The broker tier of a hub in its region namespaces: applied, observed and removed. */
public final class RegionBrokers {
  private final KubernetesClient client;
  private final ObjectReads reads;
  private final ObjectWriter writer;
  private final HubMemory memory;
  // Per pass: a region namespace asked about twice is read once.
  private final Map<String, Boolean> namespaces = new HashMap<>();

  public RegionBrokers(KubernetesClient client) {
    this(client, ObjectReads.direct(client));
  }

  public RegionBrokers(KubernetesClient client, ObjectReads reads) {
    this(client, reads, null);
  }

  /** With {@code memory}, the region namespaces found by passes before (see {@link HubMemory}). */
  public RegionBrokers(KubernetesClient client, ObjectReads reads, HubMemory memory) {
    this.client = client;
    this.reads = reads;
    this.writer = new ObjectWriter(client, reads);
    this.memory = memory;
  }

  /**
   * True when the region's namespace exists: without a GET when a pass before found it and a cache
   * still holds an object of ours in it (see {@link HubMemory}).
   */
  public boolean namespaceExists(Region region) {
    if (region.inAnotherCluster()) {
      // A namespace of the same name here is not the region's: nothing of it is written here.
      return false;
    }
    return namespaces.computeIfAbsent(region.namespace(), this::readNamespace);
  }

  private boolean readNamespace(String ns) {
    if (memory != null && memory.namespaceFound(ns) && reads.holdsAnyIn(ns)) {
      return true;
    }
    boolean exists = client.namespaces().withName(ns).get() != null;
    if (memory != null) {
      memory.namespaceRead(ns, exists);
    }
    return exists;
  }

  /** Makes the broker objects of the hub in the region match the desired replicas. */
  public void apply(IoTHub hub, Region region, int replicas) {
    writer.apply(BrokerResources.config(hub, region), ConfigMap::getData);
    writer.apply(BrokerResources.service(hub, region), s -> s.getSpec().getPorts());
    writer.apply(BrokerResources.deployment(hub, region, replicas), d -> d.getSpec().getReplicas());
  }

  /** True when the region's broker Deployment runs the desired replicas, all updated and ready. */
  public boolean isAvailable(IoTHub hub, Region region, int replicas) {
    if (region.inAnotherCluster()) {
      return false; // that cluster's operator knows; nothing of it is read here
    }
    Deployment d = reads.get(Deployment.class, region.namespace(), HubNames.broker(hub));
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

  /**
   * Deletes every object of the hub in the region's namespace; a missing namespace is fine. Only
   * objects made for this hub ({@link Ownership}): one left by another hub of the same name and
   * namespace (another uid) stays.
   */
  public void deleteAll(IoTHub hub, Region region) {
    if (region.inAnotherCluster()) {
      return;
    }
    String ns = region.namespace();
    deleteOurs(hub, client.apps().deployments().inNamespace(ns));
    deleteOurs(hub, client.services().inNamespace(ns));
    deleteOurs(hub, client.configMaps().inNamespace(ns));
    // Registry shards and password fragments hold up to ~1 MB each: their metadata suffices here.
    for (Secret s : SecretMetadata.list(client, ns, HubNames.ownerSelector(hub))) {
      if (Ownership.isOurs(
          s,
          hub.getMetadata().getUid(),
          hub.getMetadata().getName(),
          hub.getMetadata().getNamespace())) {
        client.resource(s).delete();
      }
    }
  }

  private <T extends HasMetadata> void deleteOurs(
      IoTHub hub, FilterWatchListDeletable<T, ? extends KubernetesResourceList<T>, ?> objects) {
    for (T o : objects.withLabelSelector(HubNames.ownerSelector(hub)).list().getItems()) {
      if (Ownership.isOurs(
          o,
          hub.getMetadata().getUid(),
          hub.getMetadata().getName(),
          hub.getMetadata().getNamespace())) {
        client.resource(o).delete();
      }
    }
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }
}
