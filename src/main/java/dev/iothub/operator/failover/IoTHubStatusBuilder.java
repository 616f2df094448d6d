package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.HubReason;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RegionClusterStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.hub.PublicEndpoint;
import dev.iothub.operator.peer.PeerReach;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Messages;
import dev.iothub.operator.status.StatusDiff;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a hub's status from the stored one: sets the facts of this reconciliation and derives the
 * state and the portal-like banner from them, so that they never disagree.
 */
public final class IoTHubStatusBuilder {
  public static final String READY = "Ready";
  public static final String OPERATION_IN_PROGRESS = "OperationInProgress";
  public static final String BROKER_PROBE = "BrokerProbe";
  public static final String PEER_REACHABLE = "PeerReachable";

  /** Reason of OperationInProgress while the current step retries an error. */
  public static final String STEP_RETRYING = "StepRetrying";

  private final IoTHub hub;
  private final IoTHubStatus status;
  private final Instant now;
  private final FailoverPolicy policy;
  private String problemMessage;

  public IoTHubStatusBuilder(IoTHub hub, Instant now, FailoverPolicy policy) {
    this.hub = hub;
    this.now = now;
    this.policy = policy;
    this.status = StatusDiff.copyOrNew(hub.getStatus(), IoTHubStatus.class, IoTHubStatus::new);
    this.status.setObservedGeneration(hub.getMetadata().getGeneration());
  }

  /** The status being built; collaborators change its operation and history through it. */
  public IoTHubStatus status() {
    return status;
  }

  /**
   * The hub as this pass sees it: the stored object with the status being built, for the
   * collaborators that derive desired state from the status (locations, the serving plan).
   */
  public IoTHub view() {
    IoTHub view = new IoTHub();
    view.setApiVersion(hub.getApiVersion());
    view.setKind(hub.getKind());
    view.setMetadata(hub.getMetadata());
    view.setSpec(hub.getSpec());
    view.setStatus(status);
    return view;
  }

  public IoTHubStatusBuilder locations(HubLocations locations, String hostName) {
    status.setPrimaryLocation(HubLocations.ref(locations.primary()));
    status.setCurrentLocation(HubLocations.ref(locations.current()));
    status.setFailoverLocation(HubLocations.ref(locations.failover()));
    status.setHostName(hostName);
    return this;
  }

  /** A configuration problem that needs a person: the hub cannot run until the spec is fixed. */
  public IoTHubStatusBuilder invalid(String reason, String message) {
    this.problemMessage = message;
    Conditions.set(conditions(), READY, false, reason, message, generation(), now);
    return this;
  }

  public IoTHubStatusBuilder ready(boolean ready, String reason, String message) {
    Conditions.set(conditions(), READY, ready, reason, message, generation(), now);
    return this;
  }

  /** The DnsPublished condition: set from the verdict, removed with none (no public host name). */
  public IoTHubStatusBuilder dns(PublicEndpoint.Verdict verdict) {
    if (verdict == null) {
      Conditions.remove(conditions(), PublicEndpoint.CONDITION);
    } else {
      Conditions.set(
          conditions(),
          PublicEndpoint.CONDITION,
          verdict.published(),
          verdict.reason().name(),
          Messages.bounded(verdict.message()),
          generation(),
          now);
    }
    return this;
  }

  /** The result of the last MQTT probe of a failover target. */
  public IoTHubStatusBuilder probe(boolean succeeded, String reason, String message) {
    Conditions.set(conditions(), BROKER_PROBE, succeeded, reason, message, generation(), now);
    return this;
  }

  /**
   * The clusters of the hub's regions that are in other clusters and whether they answer, with the
   * PeerReachable condition (False as soon as one does not). {@code since} moves only when a
   * region's reachability changes; with no such region, both are removed.
   */
  public IoTHubStatusBuilder regionClusters(Map<Region, PeerReach> reaches) {
    if (reaches.isEmpty()) {
      status.setRegionClusters(new ArrayList<>());
      Conditions.remove(conditions(), PEER_REACHABLE);
      return this;
    }
    List<RegionClusterStatus> before =
        status.getRegionClusters() == null ? List.of() : status.getRegionClusters();
    List<RegionClusterStatus> now = new ArrayList<>();
    PeerReach shown = null;
    for (Map.Entry<Region, PeerReach> e : reaches.entrySet()) {
      PeerReach reach = e.getValue();
      RegionClusterStatus r = new RegionClusterStatus();
      r.setRegion(e.getKey().id());
      r.setCluster(reach.cluster());
      r.setServer(reach.server());
      r.setKubeconfigSecret(reach.secret());
      r.setReachable(reach.reachable());
      r.setReason(reach.verdict().name());
      r.setSince(
          before.stream()
              .filter(b -> e.getKey().id().equals(b.getRegion()))
              .filter(b -> Boolean.valueOf(reach.reachable()).equals(b.getReachable()))
              .map(RegionClusterStatus::getSince)
              .filter(java.util.Objects::nonNull)
              .findFirst()
              .orElse(Timestamps.format(this.now)));
      now.add(r);
      if (shown == null || (shown.reachable() && !reach.reachable())) {
        shown = reach;
      }
    }
    status.setRegionClusters(now);
    Conditions.set(
        conditions(),
        PEER_REACHABLE,
        shown.reachable(),
        shown.verdict().name(),
        Messages.bounded(shown.message()),
        generation(),
        this.now);
    return this;
  }

  /** The condition of that type as it stands in this pass, or null. */
  public Condition condition(String type) {
    return Conditions.find(conditions(), type).orElse(null);
  }

  public Condition readyCondition() {
    return Conditions.find(conditions(), READY).orElse(null);
  }

  public IoTHubStatus build() {
    ActiveOperation op = status.getOperation();
    if (op != null) {
      Conditions.set(
          conditions(),
          OPERATION_IN_PROGRESS,
          true,
          op.getLastError() == null ? op.getType().name() + "InProgress" : STEP_RETRYING,
          inProgress(op),
          generation(),
          now);
    } else {
      Conditions.set(
          conditions(),
          OPERATION_IN_PROGRESS,
          false,
          "Idle",
          "No operation is running.",
          generation(),
          now);
    }
    status.setState(state());
    status.setMessage(Messages.bounded(message()));
    // Derived from the history in every write, so it never lags an operation that just ended.
    status.setQuota(FailoverRules.quota(status, policy, now));
    return status;
  }

  private HubState state() {
    if (problemMessage != null) {
      return HubState.Failed;
    }
    ActiveOperation op = status.getOperation();
    if (op != null) {
      return op.getType() == OperationType.Failover ? HubState.FailingOver : HubState.FailingBack;
    }
    if (standsBy()) {
      return HubState.Standby;
    }
    boolean wasActive = status.getState() != null && status.getState() != HubState.Provisioning;
    return wasActive || Conditions.isTrue(conditions(), READY)
        ? HubState.Active
        : HubState.Provisioning;
  }

  private String message() {
    String name = hub.getMetadata().getName();
    Condition ready = readyCondition();
    if (problemMessage != null) {
      return problemMessage;
    }
    ActiveOperation op = status.getOperation();
    if (op != null) {
      return inProgress(op);
    }
    if (standsBy()) {
      return name + " stands by in this cluster. " + ready.getMessage();
    }
    String where =
        status.getCurrentLocation() == null ? "" : status.getCurrentLocation().getDisplayName();
    if (status.getState() == null || status.getState() == HubState.Provisioning) {
      if (!Conditions.isTrue(conditions(), READY)) {
        return "Provisioning "
            + name
            + " in "
            + where
            + "."
            + (ready == null ? "" : " " + ready.getMessage());
      }
    }
    if (!Conditions.isTrue(conditions(), READY)) {
      return name + " is not ready: " + ready.getMessage();
    }
    String running = name + " is running in " + where + ".";
    // Refused requests never ran: the banner speaks of the last operation that did.
    OperationRecord last = null;
    for (OperationRecord r :
        status.getHistory() == null ? List.<OperationRecord>of() : status.getHistory()) {
      last = r.getResult() == RequestPhase.Rejected ? last : r;
    }
    if (last == null) {
      return running;
    }
    if (last.getResult() == RequestPhase.Succeeded) {
      return banner(last.getType())
          + " is complete. "
          + running
          + (last.getMessage() == null ? "" : " " + last.getMessage());
    }
    return banner(last.getType())
        + " failed ("
        + last.getReason()
        + "): "
        + last.getMessage()
        + " "
        + running;
  }

  /** The banner of a running operation; with the error its step retries, and until when. */
  private String inProgress(ActiveOperation op) {
    String text = banner(op.getType()) + " in progress.";
    if (op.getLastError() == null) {
      return text;
    }
    String until =
        op.getStepStartedAt() == null
            ? "its deadline"
            : Timestamps.format(
                Timestamps.parse(op.getStepStartedAt()).plus(policy.stepDeadline()));
    return text
        + " Step "
        + op.getStep()
        + " failed "
        + op.getStepErrors()
        + (Integer.valueOf(1).equals(op.getStepErrors()) ? " time" : " times")
        + " and is retried until "
        + until
        + "; then the "
        + op.getType().name().toLowerCase()
        + " ends Failed and the hub keeps running in "
        + op.getSource().getDisplayName()
        + ". Last error: "
        + op.getLastError();
  }

  /** The hub runs in another cluster, and this one keeps its standby copy. */
  private boolean standsBy() {
    Condition ready = readyCondition();
    return ready != null
        && HubReason.RunsInAnotherCluster.name().equals(ready.getReason())
        && FailoverRules.clusterOf(status, status.getCurrentLocation()).isPresent();
  }

  private static String banner(OperationType type) {
    return type == OperationType.Failover ? "Manual failover" : "Manual failback";
  }

  private List<Condition> conditions() {
    if (status.getConditions() == null) {
      status.setConditions(new java.util.ArrayList<>());
    }
    return status.getConditions();
  }

  private Long generation() {
    return hub.getMetadata().getGeneration();
  }
}
