package dev.iothub.operator.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iothub.api.v1alpha1.IoTHub;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * For controllers of objects that name a hub (requests, devices, imports): an informer on hubs that
 * wakes the objects naming a hub when what they read of it changed ({@link HubViews}), through an
 * index of the controller's own cache by namespace/hub name. The reconcilers read the hub from this
 * informer's cache ({@link #hubOf}), never with a GET, so a child woken for another reason still
 * sees the hub's latest state.
 */
public final class HubWatch {
  private static final String BY_HUB = "byHub";

  private HubWatch() {}

  /**
   * The hub informer of a child controller. An update of a hub wakes its children only when {@code
   * view} of it changed; a new or deleted hub always does. Children that {@code settled} says are
   * done (a terminal phase never changes again) are not woken at all.
   */
  public static <P extends HasMetadata> InformerEventSource<IoTHub, P> hubsNamedBy(
      EventSourceContext<P> context,
      Class<P> type,
      Function<P, String> hubName,
      Function<IoTHub, JsonNode> view,
      Predicate<P> settled) {
    context
        .getPrimaryCache()
        .addIndexer(BY_HUB, p -> List.of(key(p.getMetadata().getNamespace(), hubName.apply(p))));
    var hubs =
        InformerEventSourceConfiguration.from(IoTHub.class, type)
            .withName("hubs")
            .withNamespacesInheritedFromController()
            .withOnUpdateFilter((IoTHub now, IoTHub before) -> HubViews.changed(view, now, before))
            .withPrimaryToSecondaryMapper(
                (P p) -> Set.of(new ResourceID(hubName.apply(p), p.getMetadata().getNamespace())))
            .withSecondaryToPrimaryMapper(
                hub ->
                    context
                        .getPrimaryCache()
                        .byIndex(
                            BY_HUB,
                            key(hub.getMetadata().getNamespace(), hub.getMetadata().getName()))
                        .stream()
                        .filter(p -> !settled.test(p))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()));
    return new InformerEventSource<>(hubs.build(), context);
  }

  /**
   * The hub the primary names, from the informer's cache (no GET), or empty when it is not there.
   */
  public static Optional<IoTHub> hubOf(Context<?> context) {
    return context.getSecondaryResource(IoTHub.class);
  }

  /** The objects of the controller's cache that name this hub. */
  public static <P extends HasMetadata> List<P> namingHub(
      IndexedResourceCache<P> cache, String namespace, String hubName) {
    return cache.byIndex(BY_HUB, key(namespace, hubName));
  }

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
