package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.peer.PeerClusters;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.registry.DeviceKeySecrets;
import dev.iothub.operator.registry.HubRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * The generated key of a Device after a failover across clusters. The key was generated in the
 * cluster that served before, and the registry copied here holds its hash: the device connects with
 * that key. A new key here would overwrite the record and lock the device out, so the key is copied
 * from the other cluster; while that cluster does not answer, the Device waits, and its copied
 * record keeps letting the device in.
 */
final class KeysAcrossClusters {
  /** The key to register ({@code key}), or why the Device waits ({@code waitMessage}). */
  record Kept(String key, String waitMessage) {}

  private final KubernetesClient client;
  private final PeerClusters peers;
  private final RegionCatalog regions;

  KeysAcrossClusters(KubernetesClient client, PeerClusters peers, RegionCatalog regions) {
    this.client = client;
    this.peers = peers;
    this.regions = regions;
  }

  /**
   * What the other cluster kept of the Device's generated key, missing here; empty when the hub has
   * no region in another cluster, or that cluster has no such key and the registry no record of the
   * device: a new key then locks nobody out.
   */
  Optional<Kept> find(IoTHub hub, Device device, String deviceId, HubRegistry registry) {
    HubLocations locations = HubLocations.resolve(hub, regions).locations();
    Region other = locations == null ? null : locations.failover();
    if (other == null || !other.inAnotherCluster()) {
      return Optional.empty();
    }
    String problem;
    try {
      Optional<KubernetesClient> reader = peers.reader(other);
      if (reader.isPresent()) {
        String theirs =
            DeviceKeySecrets.keyIn(
                reader
                    .get()
                    .secrets()
                    .inNamespace(device.getMetadata().getNamespace())
                    .withName(DeviceKeySecrets.generatedName(device))
                    .get());
        if (theirs != null) {
          return Optional.of(new Kept(theirs, null));
        }
        problem = null;
      } else {
        problem = "does not answer";
      }
    } catch (KubernetesClientException e) {
      problem = "refused to show it (HTTP " + e.getCode() + ")";
    }
    if (problem == null || registry.find(client, deviceId) == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Kept(
            null,
            "The generated key of device "
                + deviceId
                + " is in the cluster of "
                + other.displayName()
                + ", which "
                + problem
                + ". Its record, copied from there, still lets the device in; the key Secret "
                + DeviceKeySecrets.generatedName(device)
                + " is copied here once that cluster answers (a new key would lock the device"
                + " out)."));
  }
}
