package dev.iothub.api.v1alpha1;

/** Failover moves a hub to its failover location; failback moves it back to its primary. */
public enum OperationType {
  Failover,
  Failback
}
