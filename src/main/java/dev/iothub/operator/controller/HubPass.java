package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.DnsReason;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.failover.BrokerProbe;
import dev.iothub.operator.failover.IoTHubStatusBuilder;
import dev.iothub.operator.failover.OperationHistory;
import dev.iothub.operator.failover.OperationRunner;
import dev.iothub.operator.failover.RequestIntake;
import dev.iothub.operator.hub.HubRollout;
import dev.iothub.operator.hub.PublicEndpoint;
import dev.iothub.operator.metrics.OperatorMetrics;
import dev.iothub.operator.objects.NameConflictException;
import dev.iothub.operator.peer.PeerClusters;
import dev.iothub.operator.peer.PeerMirror;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryGrowth;
import dev.iothub.operator.registry.RegistryMirror;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.ErrorText;
import dev.iothub.operator.status.EventRecorder;
import dev.iothub.operator.status.StatusWriter;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One reconciliation of a hub, acting on what {@link IoTHubReconciler} observed: takes its requests
 * (one locked status write, so that only one can start), advances the active operation, rolls the
 * brokers out and decides the Ready condition. {@link #hub()} is the hub as last written.
 */
final class HubPass {
  private final OperatorSettings settings;
  private final OperatorMetrics metrics;
  private final KubernetesClient client;
  private final HubRollout rollout;
  private final StatusWriter writer;
  private final EventRecorder events;
  private final IoTHubStatusBuilder status;
  private final Condition readyBefore;
  private final Instant now;
  private final OperationRunner runner;
  private final PeerClusters peers;
  private final ClusterRoles roles;
  private final List<java.util.function.Consumer<IoTHub>> afterWrite = new java.util.ArrayList<>();
  private final boolean hadOperation;
  private IoTHub hub;
  // The registry's shard count as this pass observed (or grew) it; null until then.
  private Integer shards;
  // Requests of this hub with no final phase yet: their verdicts stay in the history. Null until
  // the requests were looked at: the history is then not trimmed at all.
  private Set<String> openRequestUids;
  // What the rollout said of the public host name; null without one (or before the rollout).
  private PublicEndpoint.Verdict dns;

  HubPass(
      IoTHub hub,
      KubernetesClient client,
      HubRollout rollout,
      OperatorSettings settings,
      Clock clock,
      OperatorMetrics metrics,
      BrokerProbe probe,
      PeerClusters peers) {
    this.hub = hub;
    this.peers = peers;
    this.client = client;
    this.rollout = rollout;
    this.settings = settings;
    this.metrics = metrics;
    this.now = clock.instant();
    this.status = new IoTHubStatusBuilder(hub, now, settings.failover());
    this.readyBefore = status.readyCondition();
    this.hadOperation = status.status().getOperation() != null;
    this.writer = new StatusWriter(client);
    this.events = new EventRecorder(client, clock);
    this.roles = new ClusterRoles(client, peers, status, events, now);
    this.runner =
        new OperationRunner(
            client,
            rollout,
            events,
            settings.failover(),
            clock,
            metrics,
            settings.regions(),
            probe,
            peers,
            region -> roles.peerHub(region));
  }

  IoTHub hub() {
    return hub;
  }

  IoTHubStatusBuilder status() {
    return status;
  }

  Instant now() {
    return now;
  }

  Duration untilDeadline() {
    return runner.untilDeadline(status.status().getOperation());
  }

  /** Records where the hub runs, or why it cannot; returns false when it cannot. */
  boolean locate(HubLocations.Resolution resolution) {
    if (resolution.problem() != null) {
      status.invalid(resolution.problem().reason(), resolution.problem().message());
      return false;
    }
    status.locations(resolution.locations(), rollout.hostName(hub));
    return true;
  }

  /**
   * Checks the clusters of the hub's regions that are in other clusters and reports them (nothing
   * for a hub whose regions are both in this cluster); see {@link ClusterRoles}. Before the
   * requests are taken: the rules refuse a failover to another cluster from what this reports.
   * Returns whether this cluster stood down.
   */
  boolean checkPeers(HubLocations locations) {
    return roles.check(hub, locations, afterWrite::add);
  }

  /**
   * Whether something the next passes must look at again changes without an event for the hub: a
   * region in another cluster (it may stop or start answering), or a public host name that waits
   * for ExternalDNS or for its CRD.
   */
  boolean checksAgain() {
    return roles.checked()
        || (dns != null
            && (dns.reason() == DnsReason.AwaitingExternalDns
                || dns.reason() == DnsReason.DnsEndpointCrdMissing));
  }

  /**
   * Grows the current region's registry when a shard is over the threshold, or finishes a split cut
   * short, before anything else looks at the registry: no operation may start, and no leftover
   * fence be lifted, on a half-split registry. While an operation runs, only observes the count.
   * Returns true when it split shards: the pass then only publishes the new count ({@link
   * #accept}), and the next one lifts the fence, so no writer sees the registry open before the hub
   * reports the count to place records by.
   */
  boolean growRegistry(HubLocations locations, List<Secret> regionSecrets) {
    if (status.status().getOperation() != null || status.status().getHandover() != null) {
      reportShards(RegistryGrowth.observedCount(hub, locations.current(), regionSecrets));
      return false;
    }
    RegistryGrowth.Result grown;
    try {
      grown =
          new RegistryGrowth(client, settings.shardLimits())
              .step(status.view(), locations.current(), regionSecrets, now);
    } catch (KubernetesClientException e) {
      if (e.getCode() != java.net.HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // A writer got in before the fence: the next pass (at once) freezes or splits again,
      // still before anything else; the count stays the one reported.
      reportShards(RegistryStore.shardCount(hub));
      return true;
    }
    reportShards(grown.shards());
    if (grown.split()) {
      String message =
          "The registry of "
              + hub.getMetadata().getName()
              + " in "
              + locations.current().displayName()
              + " is split into "
              + grown.shards()
              + " shards; writes that waited are applied now, and the brokers roll once to"
              + " mount the new password fragments.";
      afterWrite.add(
          written -> events.record(written, EventRecorder.NORMAL, "RegistryGrown", message));
    }
    return grown.split();
  }

  private void reportShards(int count) {
    shards = count;
    if (status.status().getRegistry() == null) {
      status.status().setRegistry(new RegistryStatus());
    }
    status.status().getRegistry().setShards(count);
  }

  /**
   * Decides on the hub's open requests: starts one, or records why each is refused. Returns true
   * when one started: that decision is written at once (locked on the resourceVersion that was
   * read, so a stale pass cannot accept a second one) and ends the pass, before anything acts on
   * it.
   */
  boolean takeRequests(HubLocations locations, List<FailoverRequest> requests) {
    openRequestUids = RequestIntake.openUids(requests);
    RequestIntake.Intake intake =
        new RequestIntake(settings.failover(), settings.historyLimit())
            .decide(hub, status.status(), locations, requests, now);
    afterWrite.add(written -> intake.refused().forEach(metrics::recorded));
    FailoverRequest accepted = intake.accepted();
    if (accepted == null) {
      return false;
    }
    String message = status.build().getMessage();
    afterWrite.add(
        written ->
            events.record(
                written,
                EventRecorder.NORMAL,
                written.getStatus().getOperation().getType() + "Started",
                message + " Requested by " + accepted.getMetadata().getName() + "."));
    return true;
  }

  /** Whether an operation was running when the pass started (it may have ended in it). */
  boolean hadOperation() {
    return hadOperation;
  }

  /** The backoff before the next pass when a step of the operation threw in this one, or null. */
  Duration retryDelay() {
    return runner.retryDelay(
        status.status().getOperation(), settings.retryInitialDelay(), settings.retryMaxDelay());
  }

  /**
   * The rollout threw in a pass that ran an operation. The operation's status must still be written
   * (or it could never end): a running one records the error against its step, one that ended in
   * this pass gets the Reconciled=False condition, and the next pass rolls out again.
   */
  void rollOutFailed(HubLocations locations, RuntimeException e) {
    if (status.status().getOperation() != null) {
      runner.stepFailed(locations, status, e);
    } else {
      IoTHub view = status.view();
      status.status().setConditions(HubErrors.failed(view, e, now).getConditions());
    }
  }

  void runOperation(HubLocations locations) {
    if (status.status().getOperation() != null) {
      runner.run(hub, locations, status);
      afterWrite.add(runner::published);
    }
  }

  /** Rolls the brokers out where the hub runs now and decides whether it is ready. */
  ReadyVerdict rollOut(List<Secret> regionSecrets) {
    IoTHub hub = status.view();
    HubLocations locations = HubLocations.resolve(hub, settings.regions()).locations();
    status.locations(locations, rollout.hostName(hub));
    HubRollout.Observed observed;
    try {
      rollout.applyAuth(hub, locations, region -> inNamespace(regionSecrets, region), now);
      observed = rollout.apply(hub, locations);
    } catch (NameConflictException e) {
      // Nothing more is written for the hub until the object in the way is renamed or deleted.
      ReadyVerdict verdict = ReadyVerdict.nameConflict(e);
      status.ready(false, verdict.reason().name(), verdict.message());
      return verdict;
    }
    Region serving = observed.plan().endpoint();
    dns = rollout.publish(hub, serving, status.condition(PublicEndpoint.CONDITION));
    status.dns(dns);
    status.status().setRegistry(registry(hub, locations, observed, regionSecrets));
    ReadyVerdict verdict =
        ReadyVerdict.of(
            locations,
            observed.exists(locations.current()),
            observed.missing(),
            status.status().getState(),
            serving,
            rollout.isAvailable(hub, serving, observed.plan().replicasIn(serving)));
    status.ready(verdict.ready(), verdict.reason().name(), verdict.message());
    return verdict;
  }

  private static List<Secret> inNamespace(List<Secret> secrets, Region region) {
    return secrets.stream()
        .filter(s -> region.namespace().equals(s.getMetadata().getNamespace()))
        .toList();
  }

  private RegistryStatus registry(
      IoTHub hub,
      HubLocations locations,
      HubRollout.Observed observed,
      List<Secret> regionSecrets) {
    if (locations.current().inAnotherCluster()) {
      // This cluster stands by: it pulls its copy from the cluster that serves the hub.
      RegistryStatus pulled =
          new PeerMirror(client, peers)
              .pull(
                  hub,
                  roles.peerHub(locations.current()),
                  locations.current(),
                  locations.failover(),
                  regionSecrets,
                  now);
      adoptCertificateAuthority(hub, locations.current(), pulled);
      metrics.hubObserved(
          hub,
          pulled.getDevices() == null ? 0 : pulled.getDevices(),
          lagSeconds(pulled.getStandbySyncedAt(), pulled.getStandbyError() == null));
      return pulled;
    }
    RegistryStatus registry =
        new RegistryMirror(client)
            .observe(
                hub,
                locations.current(),
                locations.failover(),
                observed.exists(locations.current()),
                observed.exists(locations.failover()),
                regionSecrets,
                // Also in the pass that ended an operation: its verdict is written first, and the
                // fence opened after that (OperationRunner), not before it here.
                status.status().getOperation() != null
                    || hadOperation
                    || status.status().getHandover() != null,
                now);
    registry.setShards(shards);
    String syncedAt = registry.getStandbySyncedAt();
    // standbySyncedAt moves only when the copy is written: a copy this pass found equal, or just
    // wrote, is 0 s behind however long ago that was; one that cannot be written now (an error, a
    // running operation, a missing region) is as far behind as its last write.
    boolean current =
        syncedAt != null
            && registry.getStandbyError() == null
            && status.status().getOperation() == null
            && observed.exists(locations.current())
            && observed.exists(locations.failover());
    metrics.hubObserved(hub, registry.getDevices(), lagSeconds(syncedAt, current));
    return registry;
  }

  /**
   * The standby takes the serving cluster's hub CA, so that after a failover devices find brokers
   * certified by the CA they already trust. What keeps it from that is reported with the copy.
   */
  private void adoptCertificateAuthority(IoTHub hub, Region serving, RegistryStatus pulled) {
    var reader = peers.reader(serving).orElse(null);
    if (reader == null) {
      return; // that cluster is not reachable: PeerReachable says why
    }
    try {
      rollout.adoptCertificateAuthority(hub, reader);
    } catch (KubernetesClientException e) {
      if (pulled.getStandbyError() == null) {
        pulled.setStandbyError(
            ErrorText.bounded(
                "The hub's CA (Secret "
                    + hub.getMetadata().getNamespace()
                    + "/"
                    + dev.iothub.operator.hub.BrokerAuth.caSecret(hub)
                    + ") could not be copied from the cluster of "
                    + serving.displayName()
                    + ": "
                    + ErrorText.of(e)
                    + (e.getCode() == java.net.HttpURLConnection.HTTP_FORBIDDEN
                        ? " The peer-reader Role in that cluster must allow get on Secrets in"
                            + " this namespace: upgrade the chart there."
                        : "")));
      }
    }
  }

  /** How far the standby copy is behind: 0 when current, -1 when there is none. */
  private long lagSeconds(String syncedAt, boolean current) {
    return syncedAt == null
        ? -1
        : current ? 0 : Math.max(0, Duration.between(Timestamps.parse(syncedAt), now).toSeconds());
  }

  /**
   * Writes the operation just accepted, or the registry's new shard count (nothing else happened in
   * this pass), and its Event.
   */
  IoTHub accept() {
    return publish();
  }

  private IoTHub publish() {
    if (openRequestUids != null) {
      OperationHistory.prune(
          status.status(), settings.historyLimit(), openRequestUids, settings.failover(), now);
    }
    IoTHubStatus built = status.build();
    metrics.quotaObserved(hub, built.getQuota());
    hub = writer.write(hub, built);
    afterWrite.forEach(a -> a.accept(hub));
    afterWrite.clear();
    return hub;
  }

  /** The one write of the pass's result, then its Events: Ready's only when it really changed. */
  IoTHub report() {
    publish();
    Condition after = status.readyCondition();
    boolean changed =
        readyBefore == null
            || !readyBefore.getStatus().equals(after.getStatus())
            || !readyBefore.getReason().equals(after.getReason());
    if (changed) {
      boolean fine =
          "True".equals(after.getStatus())
              || dev.iothub.api.v1alpha1.HubReason.BrokerNotAvailable.name()
                  .equals(after.getReason());
      events.record(
          hub,
          fine ? EventRecorder.NORMAL : EventRecorder.WARNING,
          after.getReason(),
          after.getMessage());
    }
    return hub;
  }
}
