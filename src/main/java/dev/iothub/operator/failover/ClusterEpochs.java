package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import java.util.Objects;

/**
 * Which of two clusters serves a hub: each failover across clusters raises the epoch of the cluster
 * it promotes, and a cluster that sees the other serve at a higher epoch follows it. So a cluster
 * that comes back after an outage (or a partition) stands down instead of serving next to the one
 * that took over. Each operator writes only its own cluster's status; the other's is read.
 */
public final class ClusterEpochs {
  private ClusterEpochs() {}

  /**
   * Follows the peer when it serves the hub in its own region at a higher epoch than this status
   * has: the status then says the hub runs in the peer's region, at the peer's epoch. Not while an
   * operation runs here (it ends first, and a promotion raises this side's epoch).
   *
   * @param peer the hub as the peer's cluster stores it
   * @param peerRegion the hub's region in the peer's cluster
   * @return whether this cluster stood down (the hub's current location changed)
   */
  public static boolean followPeer(IoTHubStatus own, IoTHub peer, Region peerRegion) {
    IoTHubStatus theirs = peer.getStatus();
    if (own.getOperation() != null
        || theirs == null
        || theirs.epochOrZero() <= own.epochOrZero()
        || theirs.getCurrentLocation() == null
        || !peerRegion.id().equals(theirs.getCurrentLocation().getId())) {
      return false;
    }
    own.setEpoch(theirs.epochOrZero());
    LocationRef current = own.getCurrentLocation();
    if (current != null && Objects.equals(current.getId(), peerRegion.id())) {
      return false;
    }
    LocationRef here = current;
    own.setCurrentLocation(HubLocations.ref(peerRegion));
    own.setFailoverLocation(here);
    return true;
  }

  /**
   * The uid of the peer's running failover that takes the hub from {@code here} into the peer's
   * region, or null when none does: what this cluster hands over to.
   */
  public static String takingOver(IoTHub peer, Region peerRegion, LocationRef here) {
    ActiveOperation op = peer.getStatus() == null ? null : peer.getStatus().getOperation();
    if (op == null || here == null || op.getSource() == null || op.getTarget() == null) {
      return null;
    }
    return here.getId().equals(op.getSource().getId())
            && peerRegion.id().equals(op.getTarget().getId())
        ? op.getRequestUid()
        : null;
  }

  /** The epoch after a failover that promoted this cluster's region over another cluster's. */
  public static long promoted(IoTHubStatus own) {
    return own.epochOrZero() + 1;
  }
}
