package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.ObjectReads;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hub controller's informers: the broker objects of every region (Deployments, Services,
 * ConfigMaps), the registry shards' metadata, and the hub's FailoverRequests (indexed by the hub
 * they name). {@link #reads} serves the broker objects from these caches.
 */
final class HubCaches {
  static final String DEPLOYMENTS = "broker-deployments";
  static final String SERVICES = "broker-services";
  static final String CONFIG_MAPS = "broker-configmaps";
  static final String REGION_SECRETS = "registry-shards";

  private HubCaches() {}

  static List<EventSource<?, IoTHub>> eventSources(
      EventSourceContext<IoTHub> context, OperatorSettings settings) {
    var shards =
        regional(Secret.class, HubNames.REGION_SECRET + "=true", settings)
            .withName(REGION_SECRETS)
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
        broker(Deployment.class, DEPLOYMENTS, context, settings),
        broker(Service.class, SERVICES, context, settings),
        broker(ConfigMap.class, CONFIG_MAPS, context, settings),
        new InformerEventSource<>(shards.build(), context),
        new InformerEventSource<>(requests.build(), context));
  }

  private static <R extends HasMetadata> InformerEventSource<R, IoTHub> broker(
      Class<R> type, String name, EventSourceContext<IoTHub> context, OperatorSettings settings) {
    var config = regional(type, HubNames.COMPONENT + "=broker", settings).withName(name);
    return new InformerEventSource<>(config.build(), context);
  }

  private static <R extends HasMetadata> InformerEventSourceConfiguration.Builder<R> regional(
      Class<R> type, String selector, OperatorSettings settings) {
    var builder =
        InformerEventSourceConfiguration.from(type, IoTHub.class)
            .withLabelSelector(HubNames.MANAGED_BY + "=" + HubNames.OPERATOR + "," + selector)
            .withSecondaryToPrimaryMapper(HubCaches::labelledHub);
    return settings.watchedRegionNamespaces().isEmpty()
        ? builder.withWatchAllNamespaces()
        : builder.withNamespaces(settings.watchedRegionNamespaces());
  }

  private static Set<ResourceID> labelledHub(HasMetadata o) {
    Map<String, String> labels = o.getMetadata().getLabels();
    String name = labels == null ? null : labels.get(HubNames.HUB_NAME);
    String namespace = labels == null ? null : labels.get(HubNames.HUB_NAMESPACE);
    return name == null || namespace == null ? Set.of() : Set.of(new ResourceID(name, namespace));
  }

  /**
   * Broker objects from the informers, and the region Secrets' metadata (the shard informer selects
   * every Secret the operator puts in a region namespace, and keeps metadata only: enough for
   * {@link dev.iothub.operator.objects.ObjectWriter}, which compares the hash annotation, never the
   * data), the rest from the API server. A miss is read from the API server too (an object created
   * a moment ago may not be cached yet), and every write is handed to its informer so the next pass
   * does not see the copy before it.
   */
  static ObjectReads reads(Context<IoTHub> context) {
    KubernetesClient client = context.getClient();
    ObjectReads direct = ObjectReads.direct(client);
    return new ObjectReads() {
      @Override
      public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return source(type)
            .flatMap(s -> s.get(new ResourceID(name, namespace)))
            .orElseGet(() -> direct.get(type, namespace, name));
      }

      @Override
      public <T extends HasMetadata> void wrote(T written, T before) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) written.getClass();
        ResourceID id = ResourceID.fromResource(written);
        T cached = metadataOnly(written);
        source(type)
            .ifPresent(
                s -> {
                  if (before == null) {
                    s.handleRecentResourceCreate(id, cached);
                  } else {
                    s.handleRecentResourceUpdate(id, cached, before);
                  }
                });
      }

      @Override
      public boolean holdsAnyIn(String namespace) {
        return source(Deployment.class)
            .map(s -> s.list(namespace).findAny().isPresent())
            .orElse(false);
      }

      @SuppressWarnings("unchecked")
      private <T extends HasMetadata> java.util.Optional<InformerEventSource<T, IoTHub>> source(
          Class<T> type) {
        String name =
            type == Deployment.class
                ? DEPLOYMENTS
                : type == Service.class
                    ? SERVICES
                    : type == ConfigMap.class
                        ? CONFIG_MAPS
                        : type == Secret.class ? REGION_SECRETS : null;
        return java.util.Optional.ofNullable(name)
            .map(
                n ->
                    (InformerEventSource<T, IoTHub>)
                        context.eventSourceRetriever().getEventSourceFor(type, n));
      }
    };
  }

  /** A Secret as the shard informer keeps it (without its data); any other object as it is. */
  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> T metadataOnly(T written) {
    return written instanceof Secret s ? (T) MetadataOnlySecretStore.strip(s) : written;
  }

  /** Hands the hub as written to the controller's cache, so the next pass starts from it. */
  static void remember(Context<IoTHub> context, IoTHub cached, IoTHub written) {
    if (written.getMetadata().getResourceVersion() != null
        && !written
            .getMetadata()
            .getResourceVersion()
            .equals(cached.getMetadata().getResourceVersion())) {
      context
          .eventSourceRetriever()
          .getControllerEventSource()
          .handleRecentResourceUpdate(ResourceID.fromResource(written), written, cached);
    }
  }
}
