package dev.iothub.operator.objects;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Where the operator reads the objects it owns: from the API server ({@link #direct}) or, in a
 * controller, from its informers' caches. Writes always go to the API server; {@link #wrote} tells
 * a cache what was just written, so the next pass does not see an older copy.
 */
public interface ObjectReads {
  /** The stored object, or null when there is none. */
  <T extends HasMetadata> T get(Class<T> type, String namespace, String name);

  /** Called after a create or update with the object the API server returned. */
  default <T extends HasMetadata> void wrote(T written, T before) {}

  /**
   * True when a cache holds an object of ours in the namespace: the namespace exists, or is being
   * deleted and a GET would still find it; false when unknown.
   */
  default boolean holdsAnyIn(String namespace) {
    return false;
  }

  /** Reads every object from the API server. */
  static ObjectReads direct(KubernetesClient client) {
    return new ObjectReads() {
      @Override
      public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return client.resources(type).inNamespace(namespace).withName(name).get();
      }
    };
  }
}
