package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.IoTHub;

/**
 * A writer read a shard placed by another shard count than its own: the registry is being split (or
 * the writer's view of the hub is older than the split). It writes nothing and looks again.
 */
public final class RegistryGrowingException extends IllegalStateException {
  private final int shards;

  public RegistryGrowingException(IoTHub hub, int shards) {
    super(
        "the registry of hub "
            + hub.getMetadata().getName()
            + " is growing to "
            + shards
            + " shards; the write is applied when it is done");
    this.shards = shards;
  }

  public int shards() {
    return shards;
  }
}
