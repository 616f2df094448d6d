package dev.iothub.operator.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.function.Function;

/**
 * What of its hub each kind of child reads, as a comparable value: a hub update wakes the children
 * only when their view changed ({@link HubWatch}). At a million Devices a hub status write that
 * does not concern them (the standby's sync time, the device count) must not wake a million
 * reconciles. Each view lists every hub field its reconciler and collaborators read; a field left
 * out is a child that misses a change, so each one is named with its reader.
 */
final class HubViews {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /**
   * Fields of status.registry that move with the fleet or the mirror and that no writer reads
   * (writers take the frozen state from status.operation). Any other registry field (the layout) is
   * in the writers' view, so a field added later wakes them until it is listed here.
   */
  static final List<String> REGISTRY_COUNTERS =
      List.of("devices", "checksum", "frozen", "standbySyncedAt", "standbyError");

  private HubViews() {}

  /**
   * A registry writer (DeviceImportJob; DeviceRegistration adds the host name): HubRegistry.of
   * (spec.location and the three status locations through HubLocations.resolve), frozen() and
   * frozenMessage() (whether an operation runs, and its type), RegistryStore.write (spec.registry,
   * metadata uid/name/namespace), and whether the hub is being deleted.
   */
  static JsonNode registryWriter(IoTHub hub) {
    ObjectNode view = identity(hub);
    view.set("location", tree(hub.getSpec() == null ? null : hub.getSpec().getLocation()));
    view.set("registrySpec", tree(hub.getSpec() == null ? null : hub.getSpec().getRegistry()));
    IoTHubStatus status = hub.getStatus();
    if (status != null) {
      locations(view, status);
      view.set(
          "operationType",
          tree(status.getOperation() == null ? null : status.getOperation().getType()));
      JsonNode registry = tree(status.getRegistry());
      if (registry instanceof ObjectNode layout) {
        REGISTRY_COUNTERS.forEach(layout::remove);
        view.set("registryLayout", layout);
      }
    }
    return view;
  }

  /** A Device: a registry writer, and the host name of its connection string (DeviceKeySecrets). */
  static JsonNode device(IoTHub hub) {
    ObjectNode view = (ObjectNode) registryWriter(hub);
    view.set("hostName", tree(hub.getStatus() == null ? null : hub.getStatus().getHostName()));
    return view;
  }

  /**
   * A FailoverRequest (FailoverRequestReconciler.decide, FailoverRequestStatusBuilder): its verdict
   * in the history, the running operation (step, progress, last error), the locations (its type,
   * source and target while pending), and whether the hub is being deleted.
   */
  static JsonNode request(IoTHub hub) {
    ObjectNode view = identity(hub);
    IoTHubStatus status = hub.getStatus();
    if (status != null) {
      locations(view, status);
      view.set("operation", tree(status.getOperation()));
      view.set("history", tree(status.getHistory()));
    }
    return view;
  }

  /** The update filter of a view: true when the update changed what the children read. */
  static boolean changed(Function<IoTHub, JsonNode> view, IoTHub newHub, IoTHub oldHub) {
    return oldHub == null || newHub == null || !view.apply(newHub).equals(view.apply(oldHub));
  }

  private static ObjectNode identity(IoTHub hub) {
    ObjectNode view = JsonNodeFactory.instance.objectNode();
    view.put("namespace", hub.getMetadata().getNamespace());
    view.put("name", hub.getMetadata().getName());
    view.put("uid", hub.getMetadata().getUid());
    view.put("deleting", hub.isMarkedForDeletion());
    return view;
  }

  private static void locations(ObjectNode view, IoTHubStatus status) {
    view.set("primaryLocation", tree(status.getPrimaryLocation()));
    view.set("currentLocation", tree(status.getCurrentLocation()));
    view.set("failoverLocation", tree(status.getFailoverLocation()));
  }

  private static JsonNode tree(Object value) {
    return value == null
        ? JsonNodeFactory.instance.nullNode()
        : SERIALIZATION.convertValue(value, JsonNode.class);
  }
}
