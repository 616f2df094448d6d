package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.failover.BrokerProbe;
import dev.iothub.operator.failover.IoTHubStatusBuilder;
import dev.iothub.operator.failover.OperationRunner;
import dev.iothub.operator.failover.RequestIntake;
import dev.iothub.operator.hub.HubRollout;
import dev.iothub.operator.metrics.OperatorMetrics;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryMirror;
import dev.iothub.operator.status.EventRecorder;
import dev.iothub.operator.status.StatusWriter;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs an IoTHub: its broker tier in the active region, a cold standby in the failover region, the
 * stable endpoint in the hub namespace, and the failover or failback its requests ask for. Observe,
 * validate, act, report; the work is done by {@link HubRollout}, {@link RequestIntake}, {@link
 * OperationRunner} and {@link IoTHubStatusBuilder}.
 */
@jakarta.inject.Singleton
@ControllerConfiguration(
    name = IoTHubReconciler.NAME,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class IoTHubReconciler implements Reconciler<IoTHub>, Cleaner<IoTHub> {
  private static final Logger LOG = Logger.getLogger(IoTHubReconciler.class);

  public static final String NAME = "iothub";

  private final OperatorSettings settings;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final BrokerProbe probe;

  public IoTHubReconciler(
      OperatorSettings settings, Clock clock, OperatorMetrics metrics, BrokerProbe probe) {
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
    this.probe = probe;
  }

  @Override
  public List<EventSource<?, IoTHub>> prepareEventSources(EventSourceContext<IoTHub> context) {
    var deployments =
        regional(
                InformerEventSourceConfiguration.from(Deployment.class, IoTHub.class),
                HubNames.COMPONENT + "=broker")
            .withName("broker-deployments");
    var shards =
        regional(
                InformerEventSourceConfiguration.from(Secret.class, IoTHub.class),
                HubNames.REGION_SECRET + "=true")
            .withName("registry-shards")
            .withItemStore(new MetadataOnlySecretStore());
    var requests =
        InformerEventSourceConfiguration.from(FailoverRequest.class, IoTHub.class)
            .withName("failover-requests")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                r ->
                    Set.of(
                        new ResourceID(r.getSpec().getHubName(), r.getMetadata().getNamespace())));
    return List.of(
        new InformerEventSource<>(deployments.build(), context),
        new InformerEventSource<>(shards.build(), context),
        new InformerEventSource<>(requests.build(), context));
  }

  private <R extends HasMetadata> InformerEventSourceConfiguration.Builder<R> regional(
      InformerEventSourceConfiguration.Builder<R> builder, String selector) {
    builder
        .withLabelSelector(HubNames.MANAGED_BY + "=" + HubNames.OPERATOR + "," + selector)
        .withSecondaryToPrimaryMapper(
            o -> {
              Map<String, String> labels = o.getMetadata().getLabels();
              String name = labels == null ? null : labels.get(HubNames.HUB_NAME);
              String namespace = labels == null ? null : labels.get(HubNames.HUB_NAMESPACE);
              return name == null || namespace == null
                  ? Set.of()
                  : Set.of(new ResourceID(name, namespace));
            });
    return settings.watchedRegionNamespaces().isEmpty()
        ? builder.withWatchAllNamespaces()
        : builder.withNamespaces(settings.watchedRegionNamespaces());
  }

  @Override
  public UpdateControl<IoTHub> reconcile(IoTHub cached, Context<IoTHub> context) {
    KubernetesClient client = context.getClient();
    // The cache may lag our own status writes; decisions are made on the stored object, and a
    // write from a stale copy fails on its resourceVersion.
    IoTHub hub = client.resource(cached).get();
    if (hub == null || hub.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    IoTHubStatusBuilder status = new IoTHubStatusBuilder(hub, now, settings.failover());
    StatusWriter writer = new StatusWriter(client);
    EventRecorder events = new EventRecorder(client, clock);
    Condition readyBefore = status.readyCondition();

    HubLocations.Resolution resolution = HubLocations.resolve(hub, settings.regions());
    HubRollout rollout = new HubRollout(client, settings.clusterDomain());
    if (resolution.problem() != null) {
      status.invalid(resolution.problem().reason(), resolution.problem().message());
    } else {
      status.locations(resolution.locations(), rollout.hostName(hub));
    }
    hub = takeRequests(client, hub, status, resolution.locations(), writer, events, now);
    if (resolution.problem() != null) {
      report(hub, readyBefore, status, events, writer);
      return UpdateControl.<IoTHub>noUpdate().rescheduleAfter(backoff(status, now));
    }
    OperationRunner runner =
        new OperationRunner(
            client,
            rollout,
            events,
            settings.failover(),
            settings.historyLimit(),
            clock,
            metrics,
            settings.regions(),
            probe);
    if (status.status().getOperation() != null) {
      hub = runner.run(hub, resolution.locations(), status);
    }

    HubLocations locations = HubLocations.resolve(hub, settings.regions()).locations();
    status.locations(locations, rollout.hostName(hub));
    List<Secret> regionSecrets = context.getSecondaryResources(Secret.class).stream().toList();
    rollout.applyAuth(
        hub,
        locations,
        region ->
            regionSecrets.stream()
                .filter(s -> region.namespace().equals(s.getMetadata().getNamespace()))
                .toList(),
        now);
    HubRollout.Observed observed = rollout.apply(hub, locations);
    Region serving = observed.plan().endpoint();
    status
        .status()
        .setRegistry(
            registry(
                context, hub, locations, observed, status.status().getOperation() != null, now));
    boolean healthy = false;
    if (!observed.exists(locations.current())
        && status.status().getState() != null
        && status.status().getState() != dev.iothub.api.v1alpha1.HubState.Provisioning) {
      status.ready(
          false,
          "ActiveRegionUnavailable",
          "Namespace "
              + locations.current().namespace()
              + " of the active region "
              + locations.current().displayName()
              + " is gone. Fail the hub over to "
              + locations.failover().displayName()
              + " with a FailoverRequest.");
    } else if (!observed.missing().isEmpty()) {
      status.ready(false, "RegionNamespaceMissing", missingMessage(observed.missing()));
    } else if (!rollout.isAvailable(hub, serving, observed.plan().replicasIn(serving))) {
      status.ready(
          false,
          "BrokerNotAvailable",
          "Waiting for the broker in "
              + serving.displayName()
              + " (namespace "
              + serving.namespace()
              + ") to become available.");
    } else {
      status.ready(
          true, "BrokerAvailable", "The broker in " + serving.displayName() + " is available.");
      healthy = true;
    }
    report(hub, readyBefore, status, events, writer);
    if (status.status().getOperation() != null) {
      Duration wake = runner.untilDeadline(status.status().getOperation()).plusMillis(50);
      return UpdateControl.<IoTHub>noUpdate()
          .rescheduleAfter(Math.min(wake.toMillis(), settings.retryMaxDelay().toMillis()));
    }
    return healthy
        ? UpdateControl.noUpdate()
        : UpdateControl.<IoTHub>noUpdate().rescheduleAfter(backoff(status, now));
  }

  /** Decides on the hub's open requests: starts one, or records why each is refused. */
  private IoTHub takeRequests(
      KubernetesClient client,
      IoTHub hub,
      IoTHubStatusBuilder status,
      HubLocations locations,
      StatusWriter writer,
      EventRecorder events,
      Instant now) {
    List<FailoverRequest> requests =
        client
            .resources(FailoverRequest.class)
            .inNamespace(hub.getMetadata().getNamespace())
            .list()
            .getItems();
    RequestIntake.Intake intake =
        new RequestIntake(settings.failover(), settings.historyLimit())
            .decide(hub, status.status(), locations, requests, now);
    FailoverRequest accepted = intake.accepted();
    IoTHub written = writer.write(hub, status.build());
    intake.refused().forEach(metrics::recorded);
    if (accepted != null) {
      events.record(
          written,
          EventRecorder.NORMAL,
          status.status().getOperation().getType() + "Started",
          status.status().getMessage() + " Requested by " + accepted.getMetadata().getName() + ".");
    }
    return written;
  }

  @Override
  public DeleteControl cleanup(IoTHub hub, Context<IoTHub> context) {
    HubRollout rollout = new HubRollout(context.getClient(), settings.clusterDomain());
    HubLocations.Resolution resolution = HubLocations.resolve(hub, settings.regions());
    if (resolution.locations() != null) {
      // A namespace that is already gone holds nothing: the deletes find nothing and succeed.
      rollout.deleteAll(hub, resolution.locations().primary());
      rollout.deleteAll(hub, resolution.locations().secondary());
    }
    try {
      context
          .getClient()
          .services()
          .inNamespace(hub.getMetadata().getNamespace())
          .withName(HubNames.endpoint(hub))
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
        throw e;
      }
      // The operator's Role in the hub namespace is gone: the namespace is being deleted, and the
      // endpoint Service (owned by the hub) goes with it. The hub must still be released.
      LOG.infof(
          "%s/%s: endpoint Service left to the garbage collector (no right to delete it any more:"
              + " is the namespace being deleted?)",
          hub.getMetadata().getNamespace(), hub.getMetadata().getName());
    }
    metrics.hubDeleted(hub);
    return DeleteControl.defaultDelete();
  }

  private RegistryStatus registry(
      Context<IoTHub> context,
      IoTHub hub,
      HubLocations locations,
      HubRollout.Observed observed,
      boolean frozen,
      Instant now) {
    RegistryStatus registry =
        new RegistryMirror(context.getClient())
            .observe(
                hub,
                locations.current(),
                locations.failover(),
                observed.exists(locations.current()),
                observed.exists(locations.failover()),
                context.getSecondaryResources(Secret.class).stream().toList(),
                frozen,
                now);
    String syncedAt = registry.getStandbySyncedAt();
    long lag =
        syncedAt == null
            ? -1
            : Math.max(0, Duration.between(Timestamps.parse(syncedAt), now).toSeconds());
    metrics.hubObserved(hub, registry.getDevices(), lag);
    return registry;
  }

  private void report(
      IoTHub hub,
      Condition readyBefore,
      IoTHubStatusBuilder status,
      EventRecorder events,
      StatusWriter writer) {
    IoTHub written = writer.write(hub, status.build());
    Condition after = status.readyCondition();
    boolean changed =
        readyBefore == null
            || !readyBefore.getStatus().equals(after.getStatus())
            || !readyBefore.getReason().equals(after.getReason());
    if (changed) {
      boolean fine =
          "True".equals(after.getStatus()) || "BrokerNotAvailable".equals(after.getReason());
      events.record(
          written,
          fine ? EventRecorder.NORMAL : EventRecorder.WARNING,
          after.getReason(),
          after.getMessage());
    }
  }

  /** Waits longer the longer the hub has not been ready: doubling, from the initial to the max. */
  private long backoff(IoTHubStatusBuilder status, Instant now) {
    Condition ready = status.readyCondition();
    Duration notReadyFor =
        ready == null
            ? Duration.ZERO
            : Duration.between(Instant.parse(ready.getLastTransitionTime()), now);
    Duration delay =
        notReadyFor.compareTo(settings.retryInitialDelay()) < 0
            ? settings.retryInitialDelay()
            : notReadyFor;
    return Math.min(delay.toMillis(), settings.retryMaxDelay().toMillis());
  }

  private static String missingMessage(List<Region> missing) {
    StringBuilder text = new StringBuilder();
    for (Region r : missing) {
      text.append(text.length() == 0 ? "" : " ")
          .append("Namespace ")
          .append(r.namespace())
          .append(" of region ")
          .append(r.displayName())
          .append(" does not exist.");
    }
    return text.append(
            " Create it (kubectl create namespace ...) or map the region to an existing namespace in the operator configuration; the operator retries.")
        .toString();
  }
}
