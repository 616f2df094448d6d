package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubReason;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.QuotaStatus;
import dev.iothub.api.v1alpha1.RegionClusterStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.RequestReason;
import dev.iothub.operator.peer.PeerReach;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The portal's failover rules as a pure function of a request, the hub's status, the policy and the
 * time. The hub controller applies it when it takes a request (race-free: it is the only writer of
 * the hub's status); the rules never look anywhere else.
 */
public final class FailoverRules {
  private FailoverRules() {}

  /** The cluster of a region of the hub that is in another cluster; empty for this cluster's. */
  static Optional<RegionClusterStatus> clusterOf(IoTHubStatus status, LocationRef region) {
    if (status == null || region == null || status.getRegionClusters() == null) {
      return Optional.empty();
    }
    return status.getRegionClusters().stream()
        .filter(r -> Objects.equals(r.getRegion(), region.getId()))
        .findFirst();
  }

  public static OperationType typeOf(IoTHubStatus status) {
    boolean inPrimary =
        status == null
            || status.getCurrentLocation() == null
            || status.getPrimaryLocation() == null
            || Objects.equals(
                status.getCurrentLocation().getId(), status.getPrimaryLocation().getId());
    return inPrimary ? OperationType.Failover : OperationType.Failback;
  }

  /**
   * The checks that need nothing but the request and whether its hub exists: a request failing one
   * of them is refused by whoever sees it first, the hub or the request controller.
   */
  public static Decision checkRequest(FailoverRequest request, IoTHub hub) {
    String hubName = request.getSpec().getHubName();
    if (!Objects.equals(hubName, request.getSpec().getConfirmHubName())) {
      return Decision.refuse(
          RequestReason.ConfirmationMismatch,
          "confirmHubName '"
              + request.getSpec().getConfirmHubName()
              + "' does not match the hub name '"
              + hubName
              + "'. Create a new request with confirmHubName: "
              + hubName
              + ".");
    }
    if (hub == null) {
      return Decision.refuse(
          RequestReason.HubNotFound,
          "There is no IoTHub named "
              + hubName
              + " in namespace "
              + request.getMetadata().getNamespace()
              + ". Check hubName; a request must be in its hub's namespace.");
    }
    if (hub.isMarkedForDeletion()) {
      return Decision.refuse(RequestReason.HubDeleting, "IoTHub " + hubName + " is being deleted.");
    }
    return Decision.allow();
  }

  public static Decision evaluate(
      FailoverRequest request, IoTHub hub, FailoverPolicy policy, Instant now) {
    Decision basic = checkRequest(request, hub);
    if (!basic.allowed()) {
      return basic;
    }
    String hubName = request.getSpec().getHubName();
    IoTHubStatus status = hub.getStatus();
    if (status != null && alreadyProcessed(status, request, policy, now)) {
      return Decision.refuse(
          RequestReason.AlreadyProcessed,
          "A request named "
              + request.getMetadata().getName()
              + " was already processed for this hub (names are remembered for "
              + days(policy.replayGuard())
              + "); it is not run again. To start another operation, create a request with a new"
              + " name.");
    }
    if (status != null
        && status.getOperation() != null
        && !Objects.equals(status.getOperation().getRequestUid(), request.getMetadata().getUid())) {
      return Decision.refuse(
          RequestReason.OperationInProgress,
          "Request "
              + status.getOperation().getRequestName()
              + " is running a "
              + status.getOperation().getType().name().toLowerCase()
              + " of "
              + hubName
              + ". One operation runs at a time; create a new request after it completes.");
    }
    Optional<Condition> ready =
        status == null
            ? Optional.empty()
            : Conditions.find(status.getConditions(), IoTHubStatusBuilder.READY);
    HubReason readyReason = ready.flatMap(FailoverRules::hubReason).orElse(null);
    if (readyReason == HubReason.LocationNotPaired || readyReason == HubReason.UnknownLocation) {
      return Decision.refuse(
          RequestReason.NotPaired,
          hubName + " has no failover location: " + ready.map(Condition::getMessage).orElse(""));
    }
    // The standby of a hub served by another cluster takes it over: handed over while that cluster
    // answers, promoted from its copy when it does not; never on refused credentials.
    Optional<RegionClusterStatus> servingCluster =
        clusterOf(status, status == null ? null : status.getCurrentLocation());
    boolean takesOver =
        readyReason == HubReason.RunsInAnotherCluster
            && servingCluster
                .map(
                    c ->
                        Boolean.TRUE.equals(c.getReachable())
                            || PeerReach.Verdict.PeerUnreachable.name().equals(c.getReason()))
                .orElse(false);
    if (readyReason == HubReason.RunsInAnotherCluster && !takesOver) {
      return Decision.refuse(
          RequestReason.TargetInAnotherCluster,
          hubName
              + " runs in "
              + status.getCurrentLocation().getDisplayName()
              + servingCluster
                  .map(
                      c ->
                          ", in cluster "
                              + c.getCluster()
                              + ", which refused this operator's credentials ("
                              + c.getReason()
                              + "): that is no outage, and nothing is promoted on it. See the"
                              + " hub's PeerReachable condition.")
                  .orElse(", in another cluster that this one has not checked yet."));
    }
    Optional<RegionClusterStatus> targetElsewhere =
        clusterOf(status, status == null ? null : status.getFailoverLocation());
    if (targetElsewhere.isPresent()) {
      return Decision.refuse(
          RequestReason.TargetInAnotherCluster,
          "The failover location of "
              + hubName
              + ", "
              + status.getFailoverLocation().getDisplayName()
              + ", is in cluster "
              + targetElsewhere.get().getCluster()
              + ": create the FailoverRequest in that cluster. Its operator takes the hub over,"
              + " handed over by this cluster while it answers, from its copy when it does not.");
    }
    if (!takesOver
        && (status == null
            || status.getState() != HubState.Active
            || readyReason == null
            || !readyReason.failoverCures())) {
      return Decision.refuse(
          RequestReason.HubNotReady,
          hubName
              + " is not ready to fail over"
              + ready.map(c -> ": " + c.getMessage()).orElse(" yet: it is still provisioning.")
              + " Create a new request once the hub is Ready.");
    }
    OperationType type = typeOf(status);
    QuotaStatus quota = quota(status, policy, now);
    int remaining =
        type == OperationType.Failover
            ? quota.getFailoversRemaining()
            : quota.getFailbacksRemaining();
    Instant nextAllowed =
        quota.getNextOperationAllowedAt() == null
            ? null
            : Timestamps.parse(quota.getNextOperationAllowedAt());
    if (remaining <= 0) {
      Instant freed = quotaFreedAt(status.getHistory(), type, policy, now);
      Instant retry = nextAllowed != null && nextAllowed.isAfter(freed) ? nextAllowed : freed;
      int max =
          type == OperationType.Failover
              ? policy.maxFailoversPerWindow()
              : policy.maxFailbacksPerWindow();
      return Decision.refuse(
          RequestReason.QuotaExceeded,
          hubName
              + " already had "
              + max
              + " successful "
              + type.name().toLowerCase()
              + "s in the last "
              + hours(policy.quotaWindow())
              + ". The next "
              + type.name().toLowerCase()
              + " is allowed at "
              + Timestamps.format(retry)
              + ".",
          retry);
    }
    if (nextAllowed != null) {
      return Decision.refuse(
          RequestReason.TooSoon,
          "The previous operation on "
              + hubName
              + " completed less than "
              + hours(policy.minInterval())
              + " ago. The next operation is allowed at "
              + Timestamps.format(nextAllowed)
              + ".",
          nextAllowed);
    }
    return Decision.allow();
  }

  /** The Ready condition's reason as the typed constant, if it is one of them. */
  private static Optional<HubReason> hubReason(Condition ready) {
    return java.util.Arrays.stream(HubReason.values())
        .filter(r -> r.name().equals(ready.getReason()))
        .findFirst();
  }

  /** What the rules allow next; shown in the hub's status. */
  public static QuotaStatus quota(IoTHubStatus status, FailoverPolicy policy, Instant now) {
    List<OperationRecord> history = status == null ? List.of() : status.getHistory();
    QuotaStatus quota = new QuotaStatus();
    quota.setFailoversRemaining(
        Math.max(
            0,
            policy.maxFailoversPerWindow()
                - successesInWindow(history, OperationType.Failover, policy, now)));
    quota.setFailbacksRemaining(
        Math.max(
            0,
            policy.maxFailbacksPerWindow()
                - successesInWindow(history, OperationType.Failback, policy, now)));
    lastSuccess(history)
        .map(r -> Timestamps.parse(r.getCompletedAt()).plus(policy.minInterval()))
        .filter(t -> t.isAfter(now))
        .ifPresent(t -> quota.setNextOperationAllowedAt(Timestamps.format(t)));
    return quota;
  }

  /** True when a successful operation of the quota window must be kept in the bounded history. */
  public static boolean countsForQuota(OperationRecord r, FailoverPolicy policy, Instant now) {
    return r.getResult() == RequestPhase.Succeeded
        && r.getCompletedAt() != null
        && Timestamps.parse(r.getCompletedAt()).isAfter(now.minus(policy.quotaWindow()));
  }

  /**
   * A request of this name, but another uid, was decided: its record is still in the history, or
   * its name in the replay guard. The caller takes only requests whose own uid is not in the
   * history, and a verdict leaves the history only once its request is final, so a name in the
   * guard is never the request's own.
   */
  private static boolean alreadyProcessed(
      IoTHubStatus status, FailoverRequest request, FailoverPolicy policy, Instant now) {
    String name = request.getMetadata().getName();
    boolean inHistory =
        status.getHistory() != null
            && status.getHistory().stream()
                .anyMatch(
                    r ->
                        Objects.equals(r.getRequestName(), name)
                            && !Objects.equals(r.getRequestUid(), request.getMetadata().getUid()));
    boolean ownRecord =
        status.getHistory() != null
            && status.getHistory().stream()
                .anyMatch(r -> Objects.equals(r.getRequestUid(), request.getMetadata().getUid()));
    return inHistory
        || (!ownRecord && ProcessedRequests.contains(status, name, policy.replayGuard(), now));
  }

  private static int successesInWindow(
      List<OperationRecord> history, OperationType type, FailoverPolicy policy, Instant now) {
    return (int)
        history.stream().filter(r -> r.getType() == type && countsForQuota(r, policy, now)).count();
  }

  /** When the oldest success of the window leaves it, freeing one operation. */
  private static Instant quotaFreedAt(
      List<OperationRecord> history, OperationType type, FailoverPolicy policy, Instant now) {
    return history.stream()
        .filter(r -> r.getType() == type && countsForQuota(r, policy, now))
        .map(r -> Timestamps.parse(r.getCompletedAt()))
        .min(Instant::compareTo)
        .map(t -> t.plus(policy.quotaWindow()))
        .orElse(now);
  }

  private static Optional<OperationRecord> lastSuccess(List<OperationRecord> history) {
    return history.stream()
        .filter(r -> r.getResult() == RequestPhase.Succeeded && r.getCompletedAt() != null)
        .max(
            (a, b) ->
                Timestamps.parse(a.getCompletedAt())
                    .compareTo(Timestamps.parse(b.getCompletedAt())));
  }

  /** "30 days", or the largest unit of {@link #hours} when it is not a whole number of days. */
  static String days(java.time.Duration d) {
    if (d.toSeconds() % 86400 == 0) {
      long n = d.toDays();
      return n == 1 ? "1 day" : n + " days";
    }
    return hours(d);
  }

  /** "1 hour", "24 hours", "90 minutes", "20 seconds": the largest unit that divides d. */
  static String hours(java.time.Duration d) {
    if (d.toSeconds() % 3600 == 0) {
      long h = d.toHours();
      return h == 1 ? "1 hour" : h + " hours";
    }
    if (d.toSeconds() % 60 == 0) {
      long m = d.toMinutes();
      return m == 1 ? "1 minute" : m + " minutes";
    }
    long s = d.toSeconds();
    return s == 1 ? "1 second" : s + " seconds";
  }
}
