package dev.iothub.api.v1alpha1;

/**
 * Reasons of an IoTHub's {@code Ready} condition: the contract between the hub controller that sets
 * them and the failover rules that decide from them.
 */
public enum HubReason {
  /** The broker Deployment of the region the hub runs in is available. */
  BrokerAvailable,
  /** The broker of the current region is not available yet (or any more). */
  BrokerNotAvailable,
  /** The current region cannot serve; a failover moves the hub to the other one. */
  ActiveRegionUnavailable,
  /** A namespace that backs one of the hub's regions does not exist. */
  RegionNamespaceMissing,
  /** spec.location names no region of the operator's catalogue. */
  UnknownLocation,
  /** The primary region has no geo-pair: the hub runs, but cannot fail over. */
  LocationNotPaired,
  /**
   * An object the hub needs (its endpoint Service, a Secret, a broker object) exists under the
   * hub's name but was not made for this hub; the operator leaves it untouched.
   */
  NameConflict,
  /**
   * The hub's current region is in another cluster: the operator of that cluster serves it, and
   * this one runs nothing for the hub.
   */
  RunsInAnotherCluster;

  /** Whether this Ready reason leaves a failover something to do (the hub can serve elsewhere). */
  public boolean failoverCures() {
    return this == BrokerAvailable || this == BrokerNotAvailable || this == ActiveRegionUnavailable;
  }
}
