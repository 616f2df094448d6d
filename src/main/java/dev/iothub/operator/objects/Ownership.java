package dev.iothub.operator.objects;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Objects;

/**
 * Which objects the operator may write and delete for a hub: only those it made for that hub. The
 * mark is the label {@link HubNames#HUB_UID} (every object) and, in the hub namespace, the
 * controller reference to the hub. An object under a name the hub needs without the mark, or with
 * another hub's, is foreign: it is reported ({@link NameConflictException}) and never changed.
 *
 * <p>Objects written before the mark existed carry the operator's managed-by label and the hub's
 * name and namespace labels but no uid label: they are adopted (the next write adds the uid). A
 * person does not put those three labels on an object by accident, and a hub's objects in the hub
 * namespace always had its controller reference, so the takeover of an unrelated object stays
 * closed.
 */
public final class Ownership {
  private Ownership() {}

  /** The hub uid an object is marked with ({@code desired} as the operator renders it). */
  static String uidOf(HasMetadata desired) {
    Map<String, String> labels = desired.getMetadata().getLabels();
    return labels == null ? null : labels.get(HubNames.HUB_UID);
  }

  /**
   * Throws {@link NameConflictException} unless {@code existing} was made for the hub that {@code
   * desired} (as rendered, with the hub's labels) belongs to.
   */
  public static void requireOurs(HasMetadata existing, HasMetadata desired) {
    Map<String, String> want = desired.getMetadata().getLabels();
    requireOurs(
        existing,
        uidOf(desired),
        want == null ? null : want.get(HubNames.HUB_NAME),
        want == null ? null : want.get(HubNames.HUB_NAMESPACE));
  }

  /** The same, with the hub given by uid, name and namespace. */
  public static void requireOurs(
      HasMetadata existing, String hubUid, String hubName, String hubNamespace) {
    String whose = whose(existing, hubUid, hubName, hubNamespace);
    if (whose != null) {
      throw new NameConflictException(
          existing.getKind() == null ? existing.getClass().getSimpleName() : existing.getKind(),
          existing.getMetadata().getNamespace(),
          existing.getMetadata().getName(),
          whose);
    }
  }

  /** True when {@code existing} was made for the hub (or is a legacy object of it). */
  public static boolean isOurs(
      HasMetadata existing, String hubUid, String hubName, String hubNamespace) {
    return whose(existing, hubUid, hubName, hubNamespace) == null;
  }

  /** Null when the object is the hub's; else why not, as the end of a sentence. */
  private static String whose(
      HasMetadata existing, String hubUid, String hubName, String hubNamespace) {
    Map<String, String> labels = existing.getMetadata().getLabels();
    String uid = labels == null ? null : labels.get(HubNames.HUB_UID);
    String controller = controllerUid(existing);
    if (hubUid != null && (hubUid.equals(uid) || hubUid.equals(controller))) {
      return null;
    }
    if (uid != null || controller != null) {
      return "belongs to another owner (uid " + (uid != null ? uid : controller) + ")";
    }
    boolean legacy =
        labels != null
            && HubNames.OPERATOR.equals(labels.get(HubNames.MANAGED_BY))
            && hubName != null
            && hubName.equals(labels.get(HubNames.HUB_NAME))
            && Objects.equals(hubNamespace, labels.get(HubNames.HUB_NAMESPACE));
    return legacy ? null : "was not made by the operator for hub " + hubNamespace + "/" + hubName;
  }

  private static String controllerUid(HasMetadata o) {
    if (o.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    return o.getMetadata().getOwnerReferences().stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .map(OwnerReference::getUid)
        .findFirst()
        .orElse(null);
  }

  /**
   * Creates {@code desired}. When the name is taken (a cache that filters by label cannot see a
   * foreign object) the stored object is read: a foreign one raises {@link NameConflictException},
   * one of ours raises the original conflict (a race; the next pass sees it).
   */
  public static <T extends HasMetadata> T create(KubernetesClient client, T desired) {
    return create(client, desired, false);
  }

  /** Creates {@code desired}, or updates the stored object of that name when it is ours. */
  public static <T extends HasMetadata> T createOrUpdate(KubernetesClient client, T desired) {
    return create(client, desired, true);
  }

  private static <T extends HasMetadata> T create(
      KubernetesClient client, T desired, boolean update) {
    try {
      return client.resource(desired).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      T stored = client.resource(desired).get();
      if (stored == null) {
        throw e;
      }
      requireOurs(stored, desired);
      if (!update) {
        throw e;
      }
      desired.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
      return client.resource(desired).update();
    }
  }
}
