package dev.iothub.api.v1alpha1;

/** The steps of a failover or failback, in the order they run. */
public enum OperationStep {
  MigratingRegistry,
  ActivatingTarget,
  SwitchingEndpoint,
  DeactivatingSource,
  Completing;

  public boolean isAtOrAfter(OperationStep other) {
    return compareTo(other) >= 0;
  }
}
