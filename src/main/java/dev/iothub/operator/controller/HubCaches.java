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
import java.util.ArrayList;
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

  /**
   * Region Secrets per page of the informers' (re)list. The store keeps metadata only, but a page
   * arrives with its data: unpaged, a region of a million devices (about a thousand Secrets of up
   * to 1 MB) came in one answer and exhausted a 512 MiB heap at start.
   */
  static final long LIST_PAGE = 16;

  private HubCaches() {}

  static List<EventSource<?, IoTHub>> eventSources(
      EventSourceContext<IoTHub> context, OperatorSettings settings) {
    var requests =
        InformerEventSourceConfiguration.from(FailoverRequest.class, IoTHub.class)
            .withName("failover-requests")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                r ->
                    Set.of(
                        new ResourceID(r.getSpec().getHubName(), r.getMetadata().getNamespace())));
    List<EventSource<?, IoTHub>> sources = new ArrayList<>();
    sources.add(broker(Deployment.class, DEPLOYMENTS, context, settings));
    sources.add(broker(Service.class, SERVICES, context, settings));
    sources.add(broker(ConfigMap.class, CONFIG_MAPS, context, settings));
    sources.addAll(regionSecrets(context, settings));
    sources.add(new InformerEventSource<>(requests.build(), context));
    return sources;
  }

  /**
   * The region Secrets' informers, each with a store of its own. JOSDK runs one fabric8 informer
   * per watched namespace and hands each the configuration's one store instance: an informer's
   * (re)list then drops what the other namespaces' informers had put there (a restarted operator
   * lost a whole region's shards and reported 0 devices). So: one event source per region
   * namespace, or one for all namespaces when none are listed.
   */
  private static List<InformerEventSource<Secret, IoTHub>> regionSecrets(
      EventSourceContext<IoTHub> context, OperatorSettings settings) {
    String selector = HubNames.REGION_SECRET + "=true";
    if (settings.watchedRegionNamespaces().isEmpty()) {
      var all =
          regional(Secret.class, selector, settings)
              .withName(REGION_SECRETS)
              .withItemStore(new MetadataOnlySecretStore())
              .withInformerListLimit(LIST_PAGE);
      return List.of(new InformerEventSource<>(all.build(), context));
    }
    return settings.watchedRegionNamespaces().stream()
        .sorted()
        .map(
            namespace ->
                new InformerEventSource<>(
                    InformerEventSourceConfiguration.from(Secret.class, IoTHub.class)
                        .withLabelSelector(
                            HubNames.MANAGED_BY + "=" + HubNames.OPERATOR + "," + selector)
                        .withSecondaryToPrimaryMapper(HubCaches::labelledHub)
                        .withNamespaces(Set.of(namespace))
                        .withName(regionSecretsIn(namespace))
                        .withItemStore(new MetadataOnlySecretStore())
                        .withInformerListLimit(LIST_PAGE)
                        .build(),
                    context))
        .toList();
  }

  /** The name of the region Secrets' event source of one watched namespace. */
  static String regionSecretsIn(String namespace) {
    return REGION_SECRETS + "-" + namespace;
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
  static ObjectReads reads(Context<IoTHub> context, OperatorSettings settings) {
    KubernetesClient client = context.getClient();
    ObjectReads direct = ObjectReads.direct(client);
    return new ObjectReads() {
      @Override
      public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return source(type, namespace)
            .flatMap(s -> s.get(new ResourceID(name, namespace)))
            .orElseGet(() -> direct.get(type, namespace, name));
      }

      @Override
      public <T extends HasMetadata> void wrote(T written, T before) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) written.getClass();
        ResourceID id = ResourceID.fromResource(written);
        T cached = metadataOnly(written);
        source(type, id.getNamespace().orElse(null))
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
        return source(Deployment.class, namespace)
            .map(s -> s.list(namespace).findAny().isPresent())
            .orElse(false);
      }

      @SuppressWarnings("unchecked")
      private <T extends HasMetadata> java.util.Optional<InformerEventSource<T, IoTHub>> source(
          Class<T> type, String namespace) {
        String name =
            type == Deployment.class
                ? DEPLOYMENTS
                : type == Service.class
                    ? SERVICES
                    : type == ConfigMap.class
                        ? CONFIG_MAPS
                        : type == Secret.class ? secretSource(namespace) : null;
        return java.util.Optional.ofNullable(name)
            .map(
                n ->
                    (InformerEventSource<T, IoTHub>)
                        context.eventSourceRetriever().getEventSourceFor(type, n));
      }

      /** The region Secrets' source that watches this namespace, or null when none does. */
      private String secretSource(String namespace) {
        Set<String> watched = settings.watchedRegionNamespaces();
        if (watched.isEmpty()) {
          return REGION_SECRETS;
        }
        return watched.contains(namespace) ? regionSecretsIn(namespace) : null;
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
