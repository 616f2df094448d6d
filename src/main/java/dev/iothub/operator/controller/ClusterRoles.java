package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.HandoverStatus;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.operator.failover.ClusterEpochs;
import dev.iothub.operator.failover.IoTHubStatusBuilder;
import dev.iothub.operator.peer.PeerClusters;
import dev.iothub.operator.peer.PeerReach;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryFence;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.registry.RegistrySummary;
import dev.iothub.operator.status.EventRecorder;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The part of a hub's pass that concerns the other cluster, for a hub with a region there: checks
 * that cluster, follows it when it serves at a higher epoch ({@link ClusterEpochs}), and hands the
 * hub over while a failover there takes it from here. Each operator writes only its own cluster:
 * all of this is read there and written here, in the hub's status.
 */
final class ClusterRoles {
  private final KubernetesClient client;
  private final PeerClusters peers;
  private final IoTHubStatusBuilder status;
  private final EventRecorder events;
  private final Instant now;
  // The hub as the other cluster stores it, by region id, as this pass read it (null: unknown).
  private final Map<String, IoTHub> peerHubs = new HashMap<>();
  private boolean checked;

  ClusterRoles(
      KubernetesClient client,
      PeerClusters peers,
      IoTHubStatusBuilder status,
      EventRecorder events,
      Instant now) {
    this.client = client;
    this.peers = peers;
    this.status = status;
    this.events = events;
    this.now = now;
  }

  /** Whether the hub has a region in another cluster, which the next passes must check again. */
  boolean checked() {
    return checked;
  }

  /** The hub as the other cluster of that region stores it, as this pass read it. */
  Optional<IoTHub> peerHub(Region region) {
    return Optional.ofNullable(peerHubs.get(region.id()));
  }

  /**
   * Checks the clusters of the hub's regions that are in other clusters and reports them in the
   * status (nothing for a hub whose regions are both in this cluster), follows or hands over to the
   * other cluster; {@code afterWrite} takes the Events to record once the status is written.
   * Returns whether this cluster stood down.
   */
  boolean check(IoTHub hub, HubLocations locations, Consumer<Consumer<IoTHub>> afterWrite) {
    Map<Region, PeerReach> reaches = new LinkedHashMap<>();
    boolean stoodDown = false;
    if (locations != null) {
      for (Region region : List.of(locations.primary(), locations.secondary())) {
        if (region.inAnotherCluster()) {
          PeerReach reach = peers.reach(region);
          reaches.put(region, reach);
          if (reach.reachable()) {
            stoodDown |= standDownFor(hub, region, reach, locations, afterWrite);
          }
        }
      }
    }
    checked = !reaches.isEmpty();
    status.regionClusters(reaches);
    return stoodDown;
  }

  /**
   * Looks at the hub as the other cluster has it: follows that cluster when it serves at a higher
   * epoch (see ClusterEpochs), and hands the hub over while a failover there takes it from here.
   * Returns whether this cluster stood down.
   */
  private boolean standDownFor(
      IoTHub hub,
      Region region,
      PeerReach reach,
      HubLocations locations,
      Consumer<Consumer<IoTHub>> afterWrite) {
    IoTHub peer = peers.peerHub(region, hub).orElse(null);
    peerHubs.put(region.id(), peer);
    if (peer == null) {
      return false; // not known what it does: the handover, if any, stays as it is
    }
    IoTHubStatus own = status.status();
    long before = own.epochOrZero();
    if (ClusterEpochs.followPeer(own, peer, region)) {
      own.setHandover(null);
      String message =
          "The hub serves in "
              + region.displayName()
              + ", in cluster "
              + reach.cluster()
              + ", at epoch "
              + own.getEpoch()
              + ", higher than this cluster's "
              + before
              + ": this cluster stands down. Its brokers scale to 0 and its registry is replaced by"
              + " a copy of that cluster's; changes made here since the failover are not kept.";
      afterWrite.accept(
          written -> events.record(written, EventRecorder.WARNING, "StoodDown", message));
      return true;
    }
    handOver(hub, region, reach, peer, locations.current(), afterWrite);
    return false;
  }

  /**
   * The serving side of a planned failover into the other cluster: fences this cluster's writers
   * and publishes the registry as fenced (the demotion token), which the other cluster copies and
   * verifies before it serves; lifts the fence when that failover ends without taking over.
   */
  private void handOver(
      IoTHub hub,
      Region region,
      PeerReach reach,
      IoTHub peer,
      Region current,
      Consumer<Consumer<IoTHub>> afterWrite) {
    IoTHubStatus own = status.status();
    String taking =
        current.inAnotherCluster() || own.getOperation() != null
            ? null
            : ClusterEpochs.takingOver(peer, region, HubLocations.ref(current));
    HandoverStatus handover = own.getHandover();
    if (taking == null) {
      if (handover != null) {
        own.setHandover(null); // the registry opens again in this pass (RegistryMirror)
      }
      return;
    }
    if (handover != null && taking.equals(handover.getRequestUid())) {
      return;
    }
    // Writes in flight are made before close returns; none follows: the token is the whole
    // registry.
    RegistryFence.close(hub);
    RegistrySummary fenced =
        RegistryStore.summarize(new RegistryStore(client).shardMetadata(hub, current).values());
    HandoverStatus token = new HandoverStatus();
    token.setRequestUid(taking);
    token.setEpoch(own.epochOrZero());
    token.setChecksum(fenced.checksum());
    token.setDevices(fenced.devices());
    token.setAt(Timestamps.format(now));
    own.setHandover(token);
    String message =
        "A failover in cluster "
            + reach.cluster()
            + " takes the hub to "
            + region.displayName()
            + ": writers here wait, and its copy must hold these "
            + fenced.devices()
            + " devices (checksum "
            + fenced.checksum()
            + ") before it serves.";
    afterWrite.accept(
        written -> events.record(written, EventRecorder.NORMAL, "HandingOver", message));
  }
}
