package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.region.Region;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The writers' fence of a hub's registry: which region the operator's writers (Devices, imports)
 * may change, if any. A failover or a split closes it before it reads the registry, and closing
 * waits for the writes in flight: after {@link #close} returns, every write that will ever reach
 * the registry has been made, and none follows until the fence is opened to a region.
 *
 * <p>The fence lives in the operator's memory because the operator is the registry's only writer
 * (one leader at a time). Marking every shard instead cost one rewrite of each, twice per failover:
 * the API server stores and sends the whole object for a one-annotation patch, seconds at a million
 * devices. What a restart forgets is kept by the hub's status: an operation is written there before
 * any step runs, and writers refuse a hub that reports one; a split cut short is finished before
 * anything else, and a writer's shard of another count is refused by the shard itself.
 */
public final class RegistryFence {
  private static final Map<String, Gate> GATES = new ConcurrentHashMap<>();

  private RegistryFence() {}

  /**
   * Stops writes to every region of the hub, once the writes in flight are made. Idempotent; a
   * restarted operator closes it again in the step it resumes.
   */
  public static void close(IoTHub hub) {
    set(hub, Gate.CLOSED);
  }

  /** Lets writers change the registry in {@code region} alone: where the hub now runs. */
  public static void openTo(IoTHub hub, Region region) {
    set(hub, region.namespace());
  }

  /** Whether a write to {@code region} would be let through now. */
  public static boolean isOpenTo(IoTHub hub, Region region) {
    Gate gate = GATES.get(key(hub));
    return gate == null || gate.allows(region);
  }

  /** Forgets a deleted hub's fence. */
  public static void forget(IoTHub hub) {
    GATES.remove(key(hub));
  }

  /**
   * Runs a write to {@code region} unless the fence stops it, and keeps the fence from closing
   * until it is made. With no fence known (after a restart, before the hub's first pass), the
   * writer's own check of the hub's status decides.
   *
   * @throws RegistryFrozenException when the fence is closed, or open to another region
   */
  static <T> T guard(IoTHub hub, Region region, Supplier<T> write) {
    Gate gate = GATES.computeIfAbsent(key(hub), k -> new Gate());
    gate.lock.readLock().lock();
    try {
      if (!gate.allows(region)) {
        throw new RegistryFrozenException(hub);
      }
      return write.get();
    } finally {
      gate.lock.readLock().unlock();
    }
  }

  private static void set(IoTHub hub, String open) {
    Gate gate = GATES.computeIfAbsent(key(hub), k -> new Gate());
    if (open.equals(gate.open)) {
      // Already so (each idle pass opens it again): no write can be in flight that the state
      // would not have let through, so there is nothing to wait for.
      return;
    }
    gate.lock.writeLock().lock();
    try {
      gate.open = open;
    } finally {
      gate.lock.writeLock().unlock();
    }
  }

  private static String key(IoTHub hub) {
    String uid = hub.getMetadata().getUid();
    return uid != null ? uid : hub.getMetadata().getNamespace() + "/" + hub.getMetadata().getName();
  }

  private static final class Gate {
    static final String CLOSED = "";
    static final String UNKNOWN = null;

    // Fair: a closing fence waiting for the writes in flight is not overtaken by new ones.
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    // The namespace writers may change; CLOSED for none; UNKNOWN until the hub's first pass.
    volatile String open = UNKNOWN;

    boolean allows(Region region) {
      return open == UNKNOWN || open.equals(region.namespace());
    }
  }
}
