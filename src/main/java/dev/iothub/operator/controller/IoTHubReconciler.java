package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.failover.BrokerProbe;
import dev.iothub.operator.hub.HubMemory;
import dev.iothub.operator.hub.HubRollout;
import dev.iothub.operator.metrics.OperatorMetrics;
import dev.iothub.operator.peer.PeerClusters;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.registry.RegistryFence;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.StatusDiff;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an IoTHub: its broker tier in the active region, a cold standby in the failover region, the
 * stable endpoint in the hub namespace, and the failover or failback its requests ask for. Observe
 * (the hub as given, its objects from {@link HubCaches}), act ({@link HubPass}), decide ({@link
 * ReadyVerdict}), report (one status write at the end, only when it changed).
 */
@jakarta.inject.Singleton
@ControllerConfiguration(
    name = IoTHubReconciler.NAME,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class IoTHubReconciler implements Reconciler<IoTHub>, Cleaner<IoTHub> {
  public static final String NAME = "iothub";

  /** Condition set when a pass ends in an exception; removed by the next pass that succeeds. */
  public static final String RECONCILED = "Reconciled";

  private final OperatorSettings settings;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final BrokerProbe probe;
  private final PeerClusters peers;
  // What passes before read (hub namespace Secrets, region namespaces): an idle pass need not.
  private final HubMemory memory;

  public IoTHubReconciler(
      OperatorSettings settings,
      Clock clock,
      OperatorMetrics metrics,
      BrokerProbe probe,
      PeerClusters peers) {
    this.settings = settings;
    this.peers = peers;
    this.clock = clock;
    this.metrics = metrics;
    this.probe = probe;
    this.memory = new HubMemory(clock, Duration.ofMinutes(1));
  }

  @Override
  public List<EventSource<?, IoTHub>> prepareEventSources(EventSourceContext<IoTHub> context) {
    return HubCaches.eventSources(context, settings);
  }

  @Override
  public UpdateControl<IoTHub> reconcile(IoTHub cached, Context<IoTHub> context) {
    // A copy: the pass changes it, the informer's object stays as stored. The cache is fresh for
    // our own writes (see remember); a write from a stale copy fails on its resourceVersion (409)
    // and the retry runs a fresh pass.
    IoTHub hub = StatusDiff.copy(cached, IoTHub.class);
    HubPass pass =
        new HubPass(
            hub, context.getClient(), rollout(context), settings, clock, metrics, probe, peers);
    UpdateControl<IoTHub> control = run(hub, pass, cached, context);
    if (!pass.checksAgain()) {
      return control;
    }
    // Nothing wakes a hub when another cluster stops (or starts) answering, or when ExternalDNS
    // takes in its record: it checks again.
    long every = peers.probeInterval().toMillis();
    return control.getScheduleDelay().filter(d -> d <= every).isPresent()
        ? control
        : control.rescheduleAfter(every);
  }

  private UpdateControl<IoTHub> run(
      IoTHub hub, HubPass pass, IoTHub cached, Context<IoTHub> context) {
    HubLocations.Resolution resolution = HubLocations.resolve(hub, settings.regions());
    if (pass.checkPeers(resolution.locations())) {
      // Another cluster serves the hub at a higher epoch: this pass already stands by.
      resolution = HubLocations.resolve(pass.status().view(), settings.regions());
    }
    boolean located = pass.locate(resolution);
    List<Secret> regionSecrets = context.getSecondaryResources(Secret.class).stream().toList();
    // The registry of a hub served by another cluster grows there.
    boolean servedHere = located && !resolution.locations().current().inAnotherCluster();
    if (servedHere && pass.growRegistry(resolution.locations(), regionSecrets)) {
      HubCaches.remember(context, cached, pass.accept());
      return UpdateControl.<IoTHub>noUpdate().rescheduleAfter(1);
    }
    boolean accepted =
        pass.takeRequests(
            resolution.locations(),
            context.getSecondaryResources(FailoverRequest.class).stream().toList());
    if (accepted) {
      HubCaches.remember(context, cached, pass.accept());
      return UpdateControl.<IoTHub>noUpdate().rescheduleAfter(1);
    }
    if (!located) {
      HubCaches.remember(context, cached, pass.report());
      return retryLater(pass);
    }
    pass.runOperation(resolution.locations());
    boolean ready = false;
    try {
      ready = pass.rollOut(regionSecrets).ready();
      Conditions.remove(pass.status().status().getConditions(), RECONCILED);
    } catch (RuntimeException e) {
      if (!pass.hadOperation()) {
        throw e;
      }
      pass.rollOutFailed(resolution.locations(), e);
    }
    HubCaches.remember(context, cached, pass.report());
    if (pass.status().status().getOperation() != null) {
      Duration retry = pass.retryDelay();
      long wake =
          retry != null
              ? retry.toMillis()
              : Math.min(
                  pass.untilDeadline().plusMillis(50).toMillis(),
                  settings.retryMaxDelay().toMillis());
      return UpdateControl.<IoTHub>noUpdate().rescheduleAfter(wake);
    }
    boolean synced =
        pass.status().status().getRegistry() == null
            || pass.status().status().getRegistry().getStandbyError() == null;
    return ready && synced ? UpdateControl.noUpdate() : retryLater(pass);
  }

  private HubRollout rollout(Context<IoTHub> context) {
    return new HubRollout(
        context.getClient(), settings.clusterDomain(), HubCaches.reads(context, settings), memory);
  }

  /** An exception ends as a condition with a reason and message; a conflict just runs again. */
  @Override
  public ErrorStatusUpdateControl<IoTHub> updateErrorStatus(
      IoTHub hub, Context<IoTHub> context, Exception e) {
    if (e instanceof KubernetesClientException k
        && k.getCode() == HttpURLConnection.HTTP_CONFLICT) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    IoTHub copy = StatusDiff.copy(hub, IoTHub.class);
    copy.setStatus(HubErrors.failed(hub, e, clock.instant()));
    return ErrorStatusUpdateControl.patchStatus(copy);
  }

  /** Waits longer the longer the hub has not been ready: doubling, from the initial to the max. */
  private UpdateControl<IoTHub> retryLater(HubPass pass) {
    Condition ready = pass.status().readyCondition();
    Instant now = pass.now();
    Duration notReadyFor =
        ready == null
            ? Duration.ZERO
            : Duration.between(Instant.parse(ready.getLastTransitionTime()), now);
    Duration delay =
        notReadyFor.compareTo(settings.retryInitialDelay()) < 0
            ? settings.retryInitialDelay()
            : notReadyFor;
    return UpdateControl.<IoTHub>noUpdate()
        .rescheduleAfter(Math.min(delay.toMillis(), settings.retryMaxDelay().toMillis()));
  }

  @Override
  public DeleteControl cleanup(IoTHub hub, Context<IoTHub> context) {
    new HubCleanup(context.getClient(), settings).delete(hub);
    memory.forget(hub);
    RegistryFence.forget(hub);
    metrics.hubDeleted(hub);
    return DeleteControl.defaultDelete();
  }
}
