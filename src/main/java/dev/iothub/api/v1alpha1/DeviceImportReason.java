package dev.iothub.api.v1alpha1;

/** Why a DeviceImport waits or failed ({@code status.reason}). */
public enum DeviceImportReason {
  /** The hub does not exist or is not provisioned yet: the import waits. */
  HubNotReady,
  /**
   * Another import runs in the operator: imports run one at a time, so that the records they hold
   * stay within the operator's memory. The import starts when that one ends or waits.
   */
  WaitingForImport,
  /** A failover or failback runs: the import waits for it. */
  RegistryFrozen,
  /** A named Secret, or its records key, does not exist: nothing was imported. */
  SecretNotFound,
  /** The file has bad lines: nothing was imported. */
  InvalidRecords,
  /**
   * The file is over one of the operator's import limits (bytes or lines of a Secret, records or
   * bytes of the import): nothing was imported.
   */
  ImportTooLarge,
  /**
   * The registry doubles its shards (a shard is full or over half of its size limit): the import
   * waits and goes on from where it stopped; devicesImported says how many are written.
   */
  RegistryGrowing,
  /**
   * A shard is full and the registry has its most shards (4096): the import stopped;
   * devicesImported says how many, in file order, were written.
   */
  RegistryFull,
  /** The operator failed in a way it retries; the message says what failed. */
  OperatorError
}
