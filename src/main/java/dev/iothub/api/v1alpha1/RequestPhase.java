package dev.iothub.api.v1alpha1;

/** Phase of a FailoverRequest. Succeeded, Rejected and Failed are terminal. */
public enum RequestPhase {
  Pending,
  Running,
  Succeeded,
  Rejected,
  Failed;

  public boolean isTerminal() {
    return this == Succeeded || this == Rejected || this == Failed;
  }
}
