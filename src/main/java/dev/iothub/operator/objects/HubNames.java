package dev.iothub.operator.objects;

import dev.iothub.api.v1alpha1.IoTHub;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and labels of the objects a hub owns. Region namespaces are shared by hubs of many hub
 * namespaces, so names carry both the hub's name and its namespace, and labels let the operator
 * find a hub's objects without owner references (which cannot cross namespaces).
 */
public final class HubNames {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "iothub-operator";
  public static final String HUB_NAME = "iothub.dev/hub-name";
  public static final String HUB_NAMESPACE = "iothub.dev/hub-namespace";
  public static final String REGION = "iothub.dev/region";
  public static final String COMPONENT = "app.kubernetes.io/component";

  /**
   * The uid of the hub an object was made for: the operator writes and deletes only objects that
   * carry its hub's uid (see {@link Ownership}). Names alone cannot say whose an object is.
   */
  public static final String HUB_UID = "iothub.dev/hub-uid";

  /**
   * On the Secrets of region namespaces that the hub controller watches (registry shards, password
   * fragments, certificates): one equality selector for all of them, as set-based selectors are not
   * understood everywhere (the embedded API server ignores them).
   */
  public static final String REGION_SECRET = "iothub.dev/region-secret";

  public static final int MAX_NAME = 63;

  private HubNames() {}

  /** Name of the broker Deployment, Service and ConfigMap of a hub in a region namespace. */
  public static String broker(IoTHub hub) {
    return regional("mqtt", hub);
  }

  /** Prefix of the names of the registry shard objects of a hub in a region namespace. */
  public static String registry(IoTHub hub) {
    return regional("registry", hub);
  }

  /** The hub's stable endpoint, in the hub namespace. */
  public static String endpoint(IoTHub hub) {
    return hub.getMetadata().getName();
  }

  public static Map<String, String> ownerLabels(IoTHub hub) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(HUB_NAME, hub.getMetadata().getName());
    labels.put(HUB_NAMESPACE, hub.getMetadata().getNamespace());
    if (hub.getMetadata().getUid() != null) {
      labels.put(HUB_UID, hub.getMetadata().getUid());
    }
    return labels;
  }

  public static Map<String, String> brokerLabels(IoTHub hub, String regionId) {
    Map<String, String> labels = ownerLabels(hub);
    labels.put("app.kubernetes.io/name", "mosquitto");
    labels.put(COMPONENT, "broker");
    labels.put("app.kubernetes.io/instance", broker(hub));
    labels.put(REGION, regionId);
    return labels;
  }

  /** Label selector that matches every object the operator made for this hub. */
  public static String ownerSelector(IoTHub hub) {
    return MANAGED_BY
        + "="
        + OPERATOR
        + ","
        + HUB_NAME
        + "="
        + hub.getMetadata().getName()
        + ","
        + HUB_NAMESPACE
        + "="
        + hub.getMetadata().getNamespace();
  }

  /**
   * {@code <kind>-<hub>-<namespace>-<hash>}: readable, and unique because the hash covers the exact
   * namespace/name pair ({@code a-b} in {@code c} and {@code a} in {@code b-c} read alike). The
   * readable part is cut so that a shard suffix ("-255") still fits a 63-character DNS label.
   */
  private static String regional(String kind, IoTHub hub) {
    String hash = shortHash(hub.getMetadata().getNamespace() + "/" + hub.getMetadata().getName());
    String readable =
        kind + "-" + hub.getMetadata().getName() + "-" + hub.getMetadata().getNamespace();
    int room = MAX_NAME - 4 - hash.length() - 1;
    if (readable.length() > room) {
      readable = readable.substring(0, room);
    }
    while (readable.endsWith("-")) {
      readable = readable.substring(0, readable.length() - 1);
    }
    return readable + "-" + hash;
  }

  private static String shortHash(String text) {
    return Sha256.hex(text).substring(0, 8);
  }
}
