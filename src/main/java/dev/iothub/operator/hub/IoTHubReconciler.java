package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.EventRecorder;
import dev.iothub.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs an IoTHub: its broker tier in the active region, a cold standby in the failover region, and
 * the stable endpoint in the hub namespace. Observe, validate, act, report; the work is done by
 * {@link RegionBrokers}, {@link StableEndpoint} and the status builder.
 */
@jakarta.inject.Singleton
@ControllerConfiguration(
    name = IoTHubReconciler.NAME,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class IoTHubReconciler implements Reconciler<IoTHub>, Cleaner<IoTHub> {
  public static final String NAME = "iothub";

  private final OperatorSettings settings;
  private final Clock clock;

  public IoTHubReconciler(OperatorSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, IoTHub>> prepareEventSources(EventSourceContext<IoTHub> context) {
    var builder =
        InformerEventSourceConfiguration.from(Deployment.class, IoTHub.class)
            .withName("broker-deployments")
            .withLabelSelector(
                HubNames.MANAGED_BY
                    + "="
                    + HubNames.OPERATOR
                    + ","
                    + HubNames.COMPONENT
                    + "=broker")
            .withSecondaryToPrimaryMapper(
                d -> {
                  Map<String, String> labels = d.getMetadata().getLabels();
                  return Set.of(
                      new ResourceID(
                          labels.get(HubNames.HUB_NAME), labels.get(HubNames.HUB_NAMESPACE)));
                });
    if (settings.watchedRegionNamespaces().isEmpty()) {
      builder.withWatchAllNamespaces();
    } else {
      builder.withNamespaces(settings.watchedRegionNamespaces());
    }
    return List.of(new InformerEventSource<>(builder.build(), context));
  }

  @Override
  public UpdateControl<IoTHub> reconcile(IoTHub cached, Context<IoTHub> context) {
    KubernetesClient client = context.getClient();
    // The cache may lag our own status writes; decisions are made on the stored object.
    IoTHub hub = client.resource(cached).get();
    if (hub == null || hub.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    IoTHubStatusBuilder status = new IoTHubStatusBuilder(hub, now);
    StatusWriter writer = new StatusWriter(client);
    EventRecorder events = new EventRecorder(client, clock);
    Condition readyBefore = status.readyCondition();

    HubLocations.Resolution resolution = HubLocations.resolve(hub, settings.regions());
    if (resolution.problem() != null) {
      HubLocations.Problem p = resolution.problem();
      status.invalid(p.reason(), p.message());
      report(hub, readyBefore, status, events, writer);
      return UpdateControl.<IoTHub>noUpdate().rescheduleAfter(backoff(status, now));
    }
    HubLocations locations = resolution.locations();
    StableEndpoint endpoint = new StableEndpoint(client, settings.clusterDomain());
    status.locations(locations, endpoint.hostName(hub));

    RegionBrokers brokers = new RegionBrokers(client);
    List<Region> missing = new ArrayList<>();
    for (Region region : List.of(locations.current(), locations.failover())) {
      if (!brokers.namespaceExists(region)) {
        missing.add(region);
      }
    }
    ServingPlan plan = ServingPlan.of(hub, locations);
    for (Region region : List.of(plan.source(), plan.target())) {
      if (!missing.contains(region)) {
        brokers.apply(hub, region, plan.replicasIn(region));
      }
    }
    if (!missing.contains(plan.endpoint())) {
      endpoint.pointAt(hub, plan.endpoint());
    }

    boolean retry = true;
    if (!missing.isEmpty()) {
      status.ready(false, "RegionNamespaceMissing", missingMessage(missing));
    } else if (!brokers.isAvailable(hub, plan.source(), plan.sourceReplicas())) {
      status.ready(
          false,
          "BrokerNotAvailable",
          "Waiting for the broker in "
              + plan.source().displayName()
              + " (namespace "
              + plan.source().namespace()
              + ") to become available.");
    } else {
      status.ready(
          true,
          "BrokerAvailable",
          "The broker in " + plan.source().displayName() + " is available.");
      retry = false;
    }
    report(hub, readyBefore, status, events, writer);
    return retry
        ? UpdateControl.<IoTHub>noUpdate().rescheduleAfter(backoff(status, now))
        : UpdateControl.noUpdate();
  }

  @Override
  public DeleteControl cleanup(IoTHub hub, Context<IoTHub> context) {
    RegionBrokers brokers = new RegionBrokers(context.getClient());
    HubLocations.Resolution resolution = HubLocations.resolve(hub, settings.regions());
    if (resolution.locations() != null) {
      // A namespace that is already gone holds nothing: the deletes find nothing and succeed.
      brokers.deleteAll(hub, resolution.locations().primary());
      brokers.deleteAll(hub, resolution.locations().secondary());
    }
    context
        .getClient()
        .services()
        .inNamespace(hub.getMetadata().getNamespace())
        .withName(HubNames.endpoint(hub))
        .delete();
    return DeleteControl.defaultDelete();
  }

  private void report(
      IoTHub hub,
      Condition readyBefore,
      IoTHubStatusBuilder status,
      EventRecorder events,
      StatusWriter writer) {
    writer.write(hub, status.build());
    Condition after = status.readyCondition();
    boolean changed =
        readyBefore == null
            || !readyBefore.getStatus().equals(after.getStatus())
            || !readyBefore.getReason().equals(after.getReason());
    if (changed) {
      boolean ready = Conditions.TRUE.equals(after.getStatus());
      boolean waiting = "BrokerNotAvailable".equals(after.getReason());
      events.record(
          hub,
          ready || waiting ? EventRecorder.NORMAL : EventRecorder.WARNING,
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
