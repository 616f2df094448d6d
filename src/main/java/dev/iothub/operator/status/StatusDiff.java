package dev.iothub.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Tells whether a freshly built status differs from the stored one, so equal ones are not sent. */
public final class StatusDiff {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private StatusDiff() {}

  public static boolean changed(Object stored, Object built) {
    JsonNode a = SERIALIZATION.convertValue(stored, JsonNode.class);
    JsonNode b = SERIALIZATION.convertValue(built, JsonNode.class);
    return a == null ? b != null : !a.equals(b);
  }

  /** The stored status to build on (a copy), or a new one when there is none yet. */
  public static <T> T copyOrNew(T stored, Class<T> type, java.util.function.Supplier<T> empty) {
    T copy = copy(stored, type);
    return copy == null ? empty.get() : copy;
  }

  /** A deep copy through JSON, so a builder can change a status without touching the cache. */
  public static <T> T copy(T value, Class<T> type) {
    return value == null ? null : SERIALIZATION.convertValue(value, type);
  }
}
