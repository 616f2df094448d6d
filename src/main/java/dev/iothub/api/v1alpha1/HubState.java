package dev.iothub.api.v1alpha1;

/** Lifecycle state of a hub, as the portal shows it. */
public enum HubState {
  Provisioning,
  Active,
  FailingOver,
  FailingBack,
  Failed
}
