package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.HubReason;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.operator.objects.NameConflictException;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import java.util.List;

/** The hub's Ready condition as a pure function of what the pass observed. */
record ReadyVerdict(boolean ready, HubReason reason, String message) {

  static ReadyVerdict of(
      HubLocations locations,
      boolean currentExists,
      List<Region> missing,
      HubState state,
      Region serving,
      boolean available) {
    if (locations.current().inAnotherCluster()) {
      return new ReadyVerdict(
          false,
          HubReason.RunsInAnotherCluster,
          "The hub runs in "
              + locations.current().displayName()
              + ", in another cluster (status.regionClusters), whose operator serves it. This"
              + " cluster keeps a copy of its registry in "
              + locations.failover().displayName()
              + " (status.registry.standbySyncedAt). A FailoverRequest here takes the hub over:"
              + " handed over by that cluster while it answers, from this copy when it does not.");
    }
    if (!currentExists && state != null && state != HubState.Provisioning) {
      return new ReadyVerdict(
          false,
          HubReason.ActiveRegionUnavailable,
          "Namespace "
              + locations.current().namespace()
              + " of the active region "
              + locations.current().displayName()
              + " is gone. Fail the hub over to "
              + locations.failover().displayName()
              + " with a FailoverRequest.");
    }
    List<Region> missingHere = missing.stream().filter(r -> !r.inAnotherCluster()).toList();
    if (!missingHere.isEmpty()) {
      return new ReadyVerdict(false, HubReason.RegionNamespaceMissing, missingMessage(missingHere));
    }
    if (!available) {
      return new ReadyVerdict(
          false,
          HubReason.BrokerNotAvailable,
          "Waiting for the broker in "
              + serving.displayName()
              + " (namespace "
              + serving.namespace()
              + ") to become available.");
    }
    return new ReadyVerdict(
        true,
        HubReason.BrokerAvailable,
        "The broker in " + serving.displayName() + " is available.");
  }

  /** An object in the way that is not the hub's: named, and left as it is. */
  static ReadyVerdict nameConflict(NameConflictException e) {
    return new ReadyVerdict(false, HubReason.NameConflict, e.getMessage());
  }

  private static String missingMessage(List<Region> missing) {
    StringBuilder text = new StringBuilder();
    for (Region r : missing) {
      text.append(text.length() == 0 ? "" : " ")
          .append("Namespace ")
          .append(r.namespace())
          .append(" of region ")
          .append(r.displayName())
          .append(" does not exist.");
    }
    return text.append(
            " Create it (kubectl create namespace ...) or map the region to an existing namespace"
                + " in the operator configuration; the operator retries.")
        .toString();
  }
}
