package dev.iothub.api.v1alpha1;

/** Lifecycle state of a hub, as the portal shows it. */
public enum HubState {
  Provisioning,
  Active,
  /**
   * The hub runs in a region of another cluster; this cluster keeps a copy of its registry, which a
   * failover here promotes when that cluster is lost.
   */
  Standby,
  FailingOver,
  FailingBack,
  Failed
}
