package dev.iothub.api.v1alpha1;

/**
 * Why a FailoverRequest was rejected or failed ({@code status.reason}, also kept in the hub's
 * history). Each reason comes with a message a person can act on.
 */
public enum RequestReason {
  /** confirmHubName differs from hubName. */
  ConfirmationMismatch,
  /** No IoTHub of that name in the request's namespace. */
  HubNotFound,
  /** The hub is being deleted. */
  HubDeleting,
  /** The hub was deleted while the operation ran. */
  HubDeleted,
  /** The hub has no failover location (its region has no geo-pair, or is unknown). */
  NotPaired,
  /** The hub is still provisioning or cannot serve in a way a failover would cure. */
  HubNotReady,
  /** The quota of successful operations in the rolling window is used up. */
  QuotaExceeded,
  /** The previous operation completed less than the minimum interval ago. */
  TooSoon,
  /** Another operation of the hub is running. */
  OperationInProgress,
  /** The hub already decided on this request (a replayed object of the same name and uid). */
  AlreadyProcessed,
  /** The target region's brokers did not become available within the step deadline. */
  TargetNotAvailable,
  /** A step did not finish within its deadline. */
  StepDeadlineExceeded,
  /**
   * The source region is in another cluster that answers, but its operator did not hand the hub
   * over (fence its writers, publish its registry) within the step deadline; nothing was promoted.
   */
  SourceDidNotHandOver,
  /** The MQTT probe of the target's brokers failed. */
  ProbeFailed,
  /**
   * The target region is in another cluster, or the hub runs in another cluster: this operator
   * version fails over only between namespaces of its own cluster.
   */
  TargetInAnotherCluster,
  /** The operator failed to report the request in a way it retries; the message says what. */
  OperatorError
}
