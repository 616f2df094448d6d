package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.IoTHub;

/**
 * A registry change that would make a shard, or the password fragment rendered from it, larger than
 * a Kubernetes object may be (the API server refuses a Secret over 1 MiB of data). Thrown before
 * anything is written, so the change is refused whole and the hub keeps serving what it had.
 */
public final class RegistryFullException extends IllegalStateException {
  public RegistryFullException(IoTHub hub, int shard, int shards, int devices, String detail) {
    super(
        "the registry of hub "
            + hub.getMetadata().getName()
            + " is full: its shard "
            + shard
            + " (of "
            + shards
            + ") would hold "
            + devices
            + " devices, and "
            + detail
            + ". A shard holds about 6,000 devices; the number of shards is fixed when the hub is"
            + " created (spec.registry.shards)");
  }
}
