package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.HandoverStatus;
import dev.iothub.api.v1alpha1.HubReason;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.RequestReason;
import dev.iothub.api.v1alpha1.StepTiming;
import dev.iothub.operator.broker.MqttProbe;
import dev.iothub.operator.hub.HubRollout;
import dev.iothub.operator.metrics.OperatorMetrics;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.SecretMetadata;
import dev.iothub.operator.peer.PeerClusters;
import dev.iothub.operator.peer.PeerMirror;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.registry.RegistryFence;
import dev.iothub.operator.registry.RegistryMigration;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.registry.RegistrySummary;
import dev.iothub.operator.status.EventRecorder;
import dev.iothub.operator.status.Messages;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Runs the active operation of a hub step by step. The cluster is always rolled out to the plan of
 * the current step (desired state computed from the step, see ServingPlan); a step only decides
 * when it is done. The runner only changes the status being built: the hub controller writes it
 * once at the end of the pass, then calls {@link #published} for the Events and metrics of what the
 * write made true. An operator that restarts resumes at the last step written and repeats only
 * idempotent work.
 */
public final class OperationRunner {
  private final KubernetesClient client;
  private final HubRollout rollout;
  private final List<Consumer<IoTHub>> afterWrite = new ArrayList<>();
  private final EventRecorder events;
  private final FailoverPolicy policy;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final RegionCatalog regions;
  private final PeerClusters peers;
  // The hub as another cluster stores it, as this pass read it.
  private final Function<Region, Optional<IoTHub>> peerHubs;
  private final BrokerProbe probe;
  private MqttProbe.Result lastProbe;
  // Whether a step threw in this pass: the next pass then waits a backoff, not the deadline.
  private boolean erroredNow;
  private static final Logger LOG = Logger.getLogger(OperationRunner.class);

  public OperationRunner(
      KubernetesClient client,
      HubRollout rollout,
      EventRecorder events,
      FailoverPolicy policy,
      Clock clock,
      OperatorMetrics metrics,
      RegionCatalog regions,
      BrokerProbe probe,
      PeerClusters peers,
      Function<Region, Optional<IoTHub>> peerHubs) {
    this.peers = peers;
    this.peerHubs = peerHubs;
    this.client = client;
    this.rollout = rollout;
    this.events = events;
    this.policy = policy;
    this.clock = clock;
    this.metrics = metrics;
    this.regions = regions;
    this.probe = probe;
  }

  /**
   * An MQTT round trip with the target's brokers before the endpoint switches to them; the result
   * is the hub's BrokerProbe condition. A failing probe is retried until the step's deadline, then
   * fails the operation with reason ProbeFailed.
   */
  private boolean probed(IoTHub hub, IoTHubStatusBuilder status, Region target) {
    MqttProbe.Result result = probe.probe(hub, target);
    lastProbe = result;
    if (result == null) {
      return true;
    }
    status.probe(
        result.succeeded(),
        result.outcome().reason(),
        result.succeeded()
            ? "An MQTT round trip with the broker in "
                + target.displayName()
                + " took "
                + result.elapsed().toMillis()
                + " ms."
            : "The MQTT probe of the broker in "
                + target.displayName()
                + " failed: "
                + result.message());
    return result.succeeded();
  }

  /**
   * Advances the operation as far as it can go now, in {@code status}. An exception in a step (the
   * rollout to the step's plan included) does not escape: it is recorded on the operation and
   * retried by a later pass, and counts against the step's deadline like any other wait.
   */
  public void run(IoTHub stored, HubLocations locations, IoTHubStatusBuilder status) {
    while (status.status().getOperation() != null) {
      // Each step sees the status as the previous one left it.
      IoTHub hub = status.view();
      OperationStep step = status.status().getOperation().getStep();
      Instant now = clock.instant();
      Region target = locations.failover();
      boolean done;
      try {
        HubRollout.Observed observed = rollout.apply(hub, locations);
        if (!observed.exists(target)) {
          fail(
              hub,
              status,
              RequestReason.TargetNotAvailable,
              "Namespace "
                  + target.namespace()
                  + " of the target region "
                  + target.displayName()
                  + " does not exist.");
          return;
        }
        done = stepDone(hub, locations, status, observed, now);
      } catch (RuntimeException e) {
        stepFailed(locations, status, e);
        return;
      }
      if (!done) {
        failIfOverdue(hub, status, locations, now);
        return;
      }
      if (step == OperationStep.Completing) {
        complete(hub, status, clock.instant());
      } else {
        advance(status, clock.instant());
      }
    }
  }

  /**
   * A step (or the rollout of its plan) threw: records the error on the operation, with a Warning
   * Event when it differs from the last one recorded, and ends the operation when its step is past
   * the deadline. The next pass retries, after {@link #retryDelay}.
   */
  public void stepFailed(HubLocations locations, IoTHubStatusBuilder status, RuntimeException e) {
    ActiveOperation op = status.status().getOperation();
    if (op == null) {
      return;
    }
    Instant now = clock.instant();
    boolean news = StepErrors.record(op, e, now);
    String error = op.getLastError();
    erroredNow = true;
    LOG.warnf(
        "%s of hub %s/%s: step %s failed (%d so far), retrying: %s",
        op.getType(),
        status.view().getMetadata().getNamespace(),
        status.view().getMetadata().getName(),
        op.getStep(),
        op.getStepErrors(),
        error);
    if (news) {
      OperationType type = op.getType();
      String message = "Step " + op.getStep() + " failed, retrying until its deadline: " + error;
      afterWrite.add(
          written -> events.record(written, EventRecorder.WARNING, type + "StepRetrying", message));
    }
    failIfOverdue(status.view(), status, locations, now);
  }

  /**
   * How long to wait before the next pass retries a step that threw in this pass: doubling with the
   * step's errors from {@code initial}, capped at {@code max} and at the step's deadline; null when
   * nothing threw in this pass.
   */
  public Duration retryDelay(ActiveOperation op, Duration initial, Duration max) {
    if (!erroredNow || op == null) {
      return null;
    }
    return StepErrors.backoff(op, initial, max, untilDeadline(op).plusMillis(50));
  }

  /** Whether the current step has done its work; a step only decides when it is done. */
  private boolean stepDone(
      IoTHub hub,
      HubLocations locations,
      IoTHubStatusBuilder status,
      HubRollout.Observed observed,
      Instant now) {
    Region source = locations.current();
    Region target = locations.failover();
    return switch (status.status().getOperation().getStep()) {
      case MigratingRegistry -> migrate(hub, locations, status, observed, source, target, now);
      case ActivatingTarget ->
          rollout.isAvailable(hub, target, observed.plan().replicasIn(target))
              && probed(hub, status, target);
      case SwitchingEndpoint -> target.id().equals(rollout.endpointRegion(hub));
      case DeactivatingSource, Completing -> true;
    };
  }

  /** Ends the operation as Failed when its step is past the deadline, with the step's reason. */
  private void failIfOverdue(
      IoTHub hub, IoTHubStatusBuilder status, HubLocations locations, Instant now) {
    ActiveOperation op = status.status().getOperation();
    Duration inStep = Duration.between(Timestamps.parse(op.getStepStartedAt()), now);
    if (inStep.compareTo(policy.stepDeadline()) <= 0) {
      return;
    }
    DeadlineVerdict verdict =
        DeadlineVerdict.of(
            op, locations.current(), locations.failover(), lastProbe, policy.stepDeadline());
    fail(hub, status, verdict.reason(), verdict.message());
  }

  /** After the status of the pass was written: the Events and metrics of what it made true. */
  public void published(IoTHub written) {
    afterWrite.forEach(a -> a.accept(written));
    afterWrite.clear();
  }

  /** Time left before the current step's deadline, to wake up for it. */
  public Duration untilDeadline(ActiveOperation op) {
    Duration left =
        Duration.between(
            clock.instant(), Timestamps.parse(op.getStepStartedAt()).plus(policy.stepDeadline()));
    return left.isNegative() ? Duration.ZERO : left;
  }

  private boolean migrate(
      IoTHub hub,
      HubLocations locations,
      IoTHubStatusBuilder status,
      HubRollout.Observed observed,
      Region source,
      Region target,
      Instant now) {
    ActiveOperation op = status.status().getOperation();
    RegistryStore store = new RegistryStore(client);
    if (source.inAnotherCluster() && peers.reach(source).reachable()) {
      return takeOver(hub, locations, op, source, target, now);
    }
    if (observed.exists(source)) {
      // Fence off writers first: the writes in flight are made before it returns, and none
      // follows, so the source's metadata read next is the whole plan.
      RegistryFence.close(hub);
      RegistryMigration.MigrationResult result =
          new RegistryMigration(client)
              .migrate(
                  hub,
                  source,
                  store.shardMetadata(hub, source),
                  target,
                  store.shardMetadata(hub, target),
                  now,
                  migrated -> op.setDevicesMigrated(migrated));
      migrated(hub, locations, op, target, result.devices(), now);
      return true;
    }
    // The source region is lost: the target serves from its standby copy, however old.
    RegistrySummary standby = RegistryStore.summarize(store.shardMetadata(hub, target).values());
    op.setSourceReachable(false);
    op.setDevicesTotal(standby.devices());
    op.setDevicesMigrated(standby.devices());
    RegistryStatus seen = status.status().getRegistry();
    String syncedAt = seen == null ? null : seen.getStandbySyncedAt();
    if (syncedAt != null && standby.shardsPresent() > 0) {
      op.setStandbyLagSeconds(Duration.between(Timestamps.parse(syncedAt), now).toSeconds());
      op.setStandbyHeldLastSeen(
          seen.getChecksum() != null && seen.getChecksum().equals(standby.checksum()));
    }
    return true;
  }

  /**
   * A planned failover from another cluster that answers: waits until that cluster has fenced its
   * writers for this request and published the registry as fenced (its handover), copies the shards
   * that differ, and goes on only when the copy here has exactly the handed-over checksum.
   */
  private boolean takeOver(
      IoTHub hub,
      HubLocations locations,
      ActiveOperation op,
      Region source,
      Region target,
      Instant now) {
    KubernetesClient reader = peers.reader(source).orElse(null);
    IoTHub peer = reader == null ? null : peerHubs.apply(source).orElse(null);
    HandoverStatus token =
        peer == null || peer.getStatus() == null ? null : peer.getStatus().getHandover();
    if (token == null || !op.getRequestUid().equals(token.getRequestUid())) {
      return false; // the source has not handed over yet: the step's deadline bounds the wait
    }
    RegistryMigration.MigrationResult copied =
        new PeerMirror(client, peers)
            .copy(
                hub,
                reader,
                peer,
                source,
                PeerMirror.shardsThere(reader, peer, source),
                target,
                new RegistryStore(client).shardMetadata(hub, target),
                now);
    if (!token.getChecksum().equals(copied.checksum())) {
      return false; // read while the source was still fencing: copied again in the next pass
    }
    migrated(hub, locations, op, target, copied.devices(), now);
    return true;
  }

  /**
   * The registry is in the target, as verified: the target's brokers authenticate from those
   * records before they start. Planned from metadata, only fragments whose shard changed read their
   * shard. The source's fragments are left alone: their records did not change, and its brokers are
   * scaled to 0 two steps later (or stand down in their own cluster).
   */
  private void migrated(
      IoTHub hub,
      HubLocations locations,
      ActiveOperation op,
      Region target,
      long devices,
      Instant now) {
    op.setDevicesTotal(devices);
    op.setDevicesMigrated(devices);
    op.setSourceReachable(true);
    rollout.applyAuthIn(
        hub,
        locations,
        List.of(target),
        region -> SecretMetadata.list(client, region.namespace(), HubNames.ownerSelector(hub)),
        now);
  }

  private void advance(IoTHubStatusBuilder status, Instant now) {
    ActiveOperation op = status.status().getOperation();
    OperationStep finished = op.getStep();
    Duration took = Duration.between(Timestamps.parse(op.getStepStartedAt()), now);
    op.getSteps().add(new StepTiming(finished, took.toMillis()));
    op.setStep(OperationSteps.next(finished));
    op.setStepStartedAt(Timestamps.format(now));
    StepErrors.clear(op);
    afterWrite.add(written -> metrics.stepFinished(op.getType(), finished, took));
  }

  private void complete(IoTHub hub, IoTHubStatusBuilder status, Instant now) {
    IoTHubStatus s = status.status();
    ActiveOperation op = s.getOperation();
    OperationRecord record = record(op, RequestPhase.Succeeded, null, standbyNote(op), now);
    s.setCurrentLocation(op.getTarget());
    s.setFailoverLocation(op.getSource());
    s.setOperation(null);
    if (regions.find(op.getSource().getId()).filter(Region::inAnotherCluster).isPresent()) {
      // The other cluster, when it answers again, sees this higher epoch and stands down.
      s.setEpoch(ClusterEpochs.promoted(s));
      // ActivatingTarget found the brokers here available: the verdict of the standby days
      // (RunsInAnotherCluster) no longer speaks for the hub, in this banner or after it.
      status.ready(
          true,
          HubReason.BrokerAvailable.name(),
          "The broker in " + op.getTarget().getDisplayName() + " is available.");
    }
    OperationHistory.append(s, record, now);
    String banner = status.build().getMessage();
    afterWrite.add(
        written -> {
          metrics.recorded(record);
          events.record(written, EventRecorder.NORMAL, op.getType() + "Completed", banner);
          // Writers may change the target once the hub says it runs there; the source is now the
          // standby, written only by the mirror.
          openFenceTo(hub, op.getTarget().getId());
        });
  }

  private void fail(IoTHub hub, IoTHubStatusBuilder status, RequestReason reason, String message) {
    Instant now = clock.instant();
    IoTHubStatus s = status.status();
    ActiveOperation op = s.getOperation();
    String full = message + " The hub keeps running in " + op.getSource().getDisplayName() + ".";
    s.setOperation(null);
    OperationRecord record = record(op, RequestPhase.Failed, reason.name(), full, now);
    OperationHistory.append(s, record, now);
    afterWrite.add(
        written -> {
          metrics.recorded(record);
          events.record(
              written, EventRecorder.WARNING, op.getType() + "Failed", reason.name() + ": " + full);
          openFenceTo(hub, op.getSource().getId());
        });
  }

  /** After the verdict is written: a later pass opens it too, should this not run. */
  private void openFenceTo(IoTHub hub, String regionId) {
    regions.find(regionId).ifPresent(region -> RegistryFence.openTo(hub, region));
  }

  /** For a failover away from a lost region: what the target serves and how old it is. */
  private static String standbyNote(ActiveOperation op) {
    if (!Boolean.FALSE.equals(op.getSourceReachable())) {
      return null;
    }
    String age =
        op.getStandbyLagSeconds() == null
            ? "no standby copy existed, so the registry starts empty"
            : "its standby copy of the registry was last written "
                + Math.max(1, op.getStandbyLagSeconds() / 60)
                + " minutes ago and "
                + (Boolean.TRUE.equals(op.getStandbyHeldLastSeen())
                    ? "held every change the operator had seen in "
                        + op.getSource().getDisplayName()
                        + " (changes made there after the operator last saw it are not in it)"
                    : "was behind what the operator had last seen in "
                        + op.getSource().getDisplayName()
                        + " (the changes after it are not in it)");
    return op.getSource().getDisplayName()
        + " was unreachable: "
        + op.getTarget().getDisplayName()
        + " serves "
        + op.getDevicesMigrated()
        + " devices from the standby copy; "
        + age
        + ".";
  }

  private static OperationRecord record(
      ActiveOperation op, RequestPhase result, String reason, String message, Instant now) {
    OperationRecord r = new OperationRecord();
    r.setRequestName(op.getRequestName());
    r.setRequestUid(op.getRequestUid());
    r.setType(op.getType());
    r.setSource(op.getSource());
    r.setTarget(op.getTarget());
    r.setResult(result);
    r.setReason(reason);
    r.setMessage(Messages.bounded(message));
    r.setStartedAt(op.getStartedAt());
    r.setCompletedAt(Timestamps.format(now));
    r.setDevicesMigrated(op.getDevicesMigrated());
    r.setSteps(new ArrayList<>(op.getSteps()));
    return r;
  }
}
