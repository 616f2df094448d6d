package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.Ownership;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.status.StatusDiff;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Grows a region's registry with the fleet: when a shard passes {@link ShardLimits#GROW_AT_PERCENT}
 * of its limits, the writers' fence is closed and every shard i of N is split into i and i+N of 2N
 * (CRC mod 2N is one of those two), one shard in memory at a time, the new shard written before the
 * old one is rewritten. A split cut short (a crash) leaves shards of both counts; the next pass
 * finishes it before anything else touches the registry. A writer of the old count is refused by
 * every shard already split, and what it writes to one not yet split moves with that shard's split.
 * The hub then reports 2N and the next pass opens the fence.
 */
public final class RegistryGrowth {
  private final KubernetesClient client;
  private final RegistryStore store;
  private final ShardLimits limits;

  public RegistryGrowth(KubernetesClient client, ShardLimits limits) {
    this.client = client;
    this.store = new RegistryStore(client, limits);
    this.limits = limits;
  }

  /**
   * @param shards the count records are placed by now
   * @param split whether this pass wrote shards (split or finished a split)
   */
  public record Result(int shards, boolean split) {}

  /**
   * The count of a region from its shards' metadata: the largest they were written for, never less
   * than the hub reports (the informer may not have seen a split yet); with no shard, the hub's.
   */
  public static int observedCount(IoTHub hub, Region region, List<Secret> regionSecrets) {
    return Math.max(RegistryStore.shardCount(hub), largest(hub, shardsIn(region, regionSecrets)));
  }

  /**
   * Finishes a split left half done, or doubles the shards when one is over the threshold; else
   * only says the count. Call with no operation running: it freezes the region.
   *
   * @param regionSecrets metadata of the hub's region Secrets (the informer's)
   */
  public Result step(IoTHub hub, Region region, List<Secret> regionSecrets, Instant now) {
    List<Secret> shards = shardsIn(region, regionSecrets);
    int target = largest(hub, shards);
    if (shards.stream().anyMatch(s -> RegistryStore.countOf(s, hub) < target)) {
      // Shards of two counts: a split cut short, or the informer behind our own split.
      return new Result(target, finish(hub, region, target, now));
    }
    if (shards.stream().anyMatch(s -> annotation(s, RegistryStore.FILL) == null)) {
      // Shards of an older release say neither count nor fill: written once with both, so that
      // growth can see them full from metadata alone.
      annotate(hub, region, shards, now);
      return new Result(target, false);
    }
    int reported = RegistryStore.shardCount(hub);
    if (reported > target && !shards.isEmpty()) {
      Secret live = store.getShard(hub, region, indexOf(shards.get(0)));
      if (live != null && RegistryStore.countOf(live, hub) >= reported) {
        return new Result(reported, false); // the informer has not seen the split yet
      }
      // The region holds another layout than the hub reported (a failover to an older copy).
      return new Result(target, false);
    }
    boolean over =
        shards.stream().anyMatch(s -> RegistryStore.fillOf(s) >= ShardLimits.GROW_AT_PERCENT);
    if (!over || target * 2 > ShardLimits.MAX_SHARDS) {
      return new Result(target, false);
    }
    // Writers wait from here on (the pass after the count is published opens the fence); each
    // shard then gets its new count, which refuses a writer of the old one (RegistryStore.change).
    RegistryFence.close(hub);
    finish(hub, region, target * 2, now);
    return new Result(target * 2, true);
  }

  /**
   * Splits every shard placed by fewer than {@code target} shards; reads each live (a shard at
   * index i has a count above i, so only indexes below target/2 can be lower). Returns whether it
   * wrote anything.
   */
  boolean finish(IoTHub hub, Region region, int target, Instant now) {
    boolean wrote = false;
    for (int index = 0; index < target / 2; index++) {
      Secret shard = store.getShard(hub, region, index);
      if (shard != null && RegistryStore.countOf(shard, hub) < target) {
        split(hub, region, shard, index, target, now);
        wrote = true;
      }
    }
    return wrote;
  }

  /** Rewrites the shards without a fill annotation with the same records, count and fence. */
  private void annotate(IoTHub hub, Region region, List<Secret> shards, Instant now) {
    for (Secret known : shards) {
      if (annotation(known, RegistryStore.FILL) != null) {
        continue;
      }
      Secret shard = store.getShard(hub, region, indexOf(known));
      if (shard == null || annotation(shard, RegistryStore.FILL) != null) {
        continue;
      }
      RegistryStore.requireOurs(hub, shard);
      int index = indexOf(shard);
      int count = RegistryStore.countOf(shard, hub);
      List<DeviceRecord> records = RegistryStore.decode(shard);
      Secret desired;
      try {
        desired = RegistryStore.encode(hub, region, index, count, records, now, limits, null);
      } catch (RegistryFullException e) {
        // Over lowered limits (a test's): as full as can be, so the region grows.
        desired =
            RegistryStore.encode(
                hub, region, index, count, records, now, ShardLimits.DEFAULTS, null);
        desired.getMetadata().getAnnotations().put(RegistryStore.FILL, "100");
      }
      if (RegistryStore.isFrozen(shard)) {
        desired.getMetadata().getAnnotations().put(RegistryStore.FROZEN, "true");
      }
      desired.getMetadata().setResourceVersion(shard.getMetadata().getResourceVersion());
      client.resource(desired).update();
    }
  }

  private static String annotation(Secret s, String key) {
    return s.getMetadata().getAnnotations() == null
        ? null
        : s.getMetadata().getAnnotations().get(key);
  }

  /** Moves a shard's records to their shards of {@code target}, then rewrites it at target. */
  void split(IoTHub hub, Region region, Secret shard, int index, int target, Instant now) {
    RegistryStore.requireOurs(hub, shard);
    Map<Integer, List<DeviceRecord>> moved = moveOut(hub, region, shard, index, target, now);
    Secret rest =
        RegistryStore.encode(
            hub, region, index, target, moved.getOrDefault(index, List.of()), now, limits, null);
    // On the resourceVersion read: nothing may have changed it since (the fence is closed).
    rest.getMetadata().setResourceVersion(shard.getMetadata().getResourceVersion());
    client.resource(rest).update();
  }

  /**
   * The first half of a split: writes the records of {@code shard} that {@code target} places
   * elsewhere into their shards (a union with what they hold, so a re-run after a crash writes the
   * same). Returns the records by their new index.
   */
  Map<Integer, List<DeviceRecord>> moveOut(
      IoTHub hub, Region region, Secret shard, int index, int target, Instant now) {
    Map<Integer, List<DeviceRecord>> byIndex = new TreeMap<>();
    for (DeviceRecord r : RegistryStore.decode(shard)) {
      byIndex.computeIfAbsent(RegistryShard.indexOf(r.id(), target), i -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<Integer, List<DeviceRecord>> e : byIndex.entrySet()) {
      int to = e.getKey();
      if (to == index) {
        continue;
      }
      Secret existing = store.getShard(hub, region, to);
      Map<String, DeviceRecord> merged = new LinkedHashMap<>();
      int count = target;
      if (existing != null) {
        RegistryStore.requireOurs(hub, existing);
        RegistryStore.decode(existing).forEach(r -> merged.put(r.id(), r));
        count = RegistryStore.countOf(existing, hub);
      }
      e.getValue().forEach(r -> merged.put(r.id(), r));
      Secret desired =
          RegistryStore.encode(hub, region, to, count, merged.values(), now, limits, null);
      if (existing == null) {
        // A writer cannot create it meanwhile: its count differs, or the fence is closed.
        Ownership.create(client, desired);
      } else {
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        client.resource(desired).update();
      }
    }
    return byIndex;
  }

  /** The hub as if it reported {@code count} shards. */
  static IoTHub withCount(IoTHub hub, int count) {
    IoTHub copy = StatusDiff.copy(hub, IoTHub.class);
    if (copy.getStatus() == null) {
      copy.setStatus(new IoTHubStatus());
    }
    if (copy.getStatus().getRegistry() == null) {
      copy.getStatus().setRegistry(new RegistryStatus());
    }
    copy.getStatus().getRegistry().setShards(count);
    return copy;
  }

  private static int largest(IoTHub hub, List<Secret> shards) {
    return shards.stream()
        .mapToInt(s -> RegistryStore.countOf(s, hub))
        .max()
        .orElse(RegistryStore.shardCount(hub));
  }

  private static int indexOf(Secret shard) {
    return Integer.parseInt(shard.getMetadata().getAnnotations().get(RegistryStore.SHARD));
  }

  private static List<Secret> shardsIn(Region region, List<Secret> secrets) {
    return secrets.stream()
        .filter(s -> region.namespace().equals(s.getMetadata().getNamespace()))
        .filter(
            s ->
                s.getMetadata().getLabels() != null
                    && RegistryStore.COMPONENT.equals(
                        s.getMetadata().getLabels().get(HubNames.COMPONENT)))
        .toList();
  }
}
