package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.IoTHub;

/**
 * A registry change that would make a shard, or the password fragment rendered from it, larger than
 * a Kubernetes object may be (the API server refuses a Secret over 1 MiB of data). Thrown before
 * anything is written, so the change is refused whole and the hub keeps serving what it had. While
 * the registry may still grow ({@link #canGrow}), a writer waits: the full shard is over the growth
 * threshold, so the hub doubles its shards.
 */
public final class RegistryFullException extends IllegalStateException {
  private final int shards;
  private final int fillBefore;

  public RegistryFullException(
      IoTHub hub, int shard, int shards, int devices, String detail, int fillBefore) {
    super(
        "shard "
            + shard
            + " (of "
            + shards
            + ") of the registry of hub "
            + hub.getMetadata().getName()
            + " would hold "
            + devices
            + " devices, and "
            + detail);
    this.shards = shards;
    this.fillBefore = fillBefore;
  }

  /**
   * Whether the registry can still double its shards (it is not at {@link ShardLimits#MAX_SHARDS}).
   */
  public boolean canGrow() {
    return shards * 2 <= ShardLimits.MAX_SHARDS;
  }

  /**
   * Whether the shard, before the change, was full enough that the hub grows the registry: a writer
   * can wait for it. Otherwise the change itself is too large for one shard and must be smaller.
   */
  public boolean growing() {
    return canGrow() && fillBefore >= ShardLimits.GROW_AT_PERCENT;
  }

  public int shards() {
    return shards;
  }
}
