package dev.iothub.operator.objects;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Objects;
import java.util.function.Function;

/**
 * Writes an object the operator owns only when it differs from what is stored. What the operator
 * last wrote is remembered as a hash in an annotation, because the API server adds defaults that a
 * field-by-field comparison would take for changes; the fields that others commonly change by hand
 * ({@code kubectl scale}) are compared directly as well, so such drift is put right. An object
 * under the same name that was not made for the same hub is never written ({@link Ownership}).
 */
public final class ObjectWriter {
  public static final String SPEC_HASH = "iothub.dev/desired-hash";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final KubernetesClient client;
  private final ObjectReads reads;

  public ObjectWriter(KubernetesClient client) {
    this(client, ObjectReads.direct(client));
  }

  public ObjectWriter(KubernetesClient client, ObjectReads reads) {
    this.client = client;
    this.reads = reads;
  }

  /** Creates or updates {@code desired}; returns true when it wrote. */
  public <T extends HasMetadata> boolean apply(T desired, Function<T, Object> watchedFields) {
    desired.getMetadata().getAnnotations().put(SPEC_HASH, hash(desired));
    @SuppressWarnings("unchecked")
    T current =
        reads.get(
            (Class<T>) desired.getClass(),
            desired.getMetadata().getNamespace(),
            desired.getMetadata().getName());
    if (current == null) {
      reads.wrote(Ownership.create(client, desired), null);
      return true;
    }
    Ownership.requireOurs(current, desired);
    String storedHash =
        current.getMetadata().getAnnotations() == null
            ? null
            : current.getMetadata().getAnnotations().get(SPEC_HASH);
    if (desired.getMetadata().getAnnotations().get(SPEC_HASH).equals(storedHash)
        && Objects.equals(watchedFields.apply(current), watchedFields.apply(desired))) {
      return false;
    }
    desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    reads.wrote(client.resource(desired).update(), current);
    return true;
  }

  public static String hash(Object value) {
    return Sha256.hex(SERIALIZATION.asJson(value)).substring(0, 32);
  }
}
