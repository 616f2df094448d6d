package dev.iothub.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Writes a custom resource's status subresource only when it differs from the stored one, with
 * optimistic locking on the resourceVersion that was read: a status computed from a stale copy is
 * refused by the API server (409) and the reconciliation runs again on fresh data. That is what
 * makes "accept one operation" and "count it once" race-free.
 */
public final class StatusWriter {
  private final KubernetesClient client;

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Returns the stored object after the write, or {@code resource} when nothing changed. */
  public <S, R extends CustomResource<?, S>> R write(R resource, S status) {
    if (!StatusDiff.changed(resource.getStatus(), status)) {
      return resource;
    }
    resource.setStatus(status);
    return client.resource(resource).updateStatus();
  }
}
