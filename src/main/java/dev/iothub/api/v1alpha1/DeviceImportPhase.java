package dev.iothub.api.v1alpha1;

/** Phase of a DeviceImport. Succeeded and Failed are final. */
public enum DeviceImportPhase {
  Pending,
  Succeeded,
  Failed;

  public boolean isTerminal() {
    return this == Succeeded || this == Failed;
  }
}
