package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RegistrySpec;
import dev.iothub.operator.broker.PasswordFile;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.Ownership;
import dev.iothub.operator.objects.Parallel;
import dev.iothub.operator.objects.SecretMetadata;
import dev.iothub.operator.objects.Sha256;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * A hub's device registry in a region namespace: shard Secrets (credential hashes are not for every
 * reader of ConfigMaps). Reading or writing N devices costs O(shards) API calls. The number of
 * shards grows with the fleet (see {@link RegistryGrowth}): each shard carries the count it was
 * written for, and a writer whose count differs writes nothing and waits.
 */
public final class RegistryStore {
  public static final String DATA_KEY = "records.jsonl.gz";
  public static final String RECORDS = "iothub.dev/records";
  public static final String CHECKSUM = "iothub.dev/checksum";
  public static final String SHARD = "iothub.dev/shard";
  public static final String SYNCED_AT = "iothub.dev/synced-at";

  /** The shard count a shard was written for: its records are placed by it. */
  public static final String SHARDS = "iothub.dev/shards";

  /** Percent of the tighter of the shard's two byte limits it takes (see {@link ShardLimits}). */
  public static final String FILL = "iothub.dev/fill";

  /**
   * The fence of releases before {@link RegistryFence}: set on every shard of a source region while
   * an operation ran. A shard that still carries it refuses writers until the next idle pass lifts
   * it ({@link #unfreeze}); nothing sets it any more.
   */
  public static final String FROZEN = "iothub.dev/frozen";

  public static final String COMPONENT = "registry";
  public static final String SECRET_TYPE = "iothub.dev/registry-shard";

  private final KubernetesClient client;
  private final ShardLimits limits;

  public RegistryStore(KubernetesClient client) {
    this(client, ShardLimits.DEFAULTS);
  }

  public RegistryStore(KubernetesClient client, ShardLimits limits) {
    this.client = client;
    this.limits = limits;
  }

  /**
   * The number of shards records are placed by: what the hub's status reports (the largest count
   * its shards were written for), else the initial count of its spec.
   */
  public static int shardCount(IoTHub hub) {
    Integer reported =
        hub.getStatus() == null || hub.getStatus().getRegistry() == null
            ? null
            : hub.getStatus().getRegistry().getShards();
    return reported != null && reported > 0 ? reported : initialShardCount(hub);
  }

  /** The count the hub started with (spec.registry.shards); shards of older releases carry it. */
  public static int initialShardCount(IoTHub hub) {
    RegistrySpec registry = hub.getSpec().getRegistry();
    return registry == null || registry.getShards() == null
        ? RegistrySpec.DEFAULT_SHARDS
        : registry.getShards();
  }

  /** The count a shard was written for; a shard without the annotation, the hub's initial one. */
  public static int countOf(Secret shard, IoTHub hub) {
    String count = annotation(shard, SHARDS);
    return count == null ? initialShardCount(hub) : Integer.parseInt(count);
  }

  /** The fill of a shard in percent; 0 when it does not say (written by an older release). */
  public static int fillOf(Secret shard) {
    String fill = annotation(shard, FILL);
    return fill == null ? 0 : Integer.parseInt(fill);
  }

  /** The fill of a shard read in full: its annotation, else measured (an older release's shard). */
  static int fillOf(Secret shard, ShardLimits limits) {
    if (annotation(shard, FILL) != null) {
      return fillOf(shard);
    }
    String data = shard.getData() == null ? null : shard.getData().get(DATA_KEY);
    if (data == null) {
      return 0;
    }
    long lines;
    try {
      lines = PasswordFile.deviceFragment(decode(shard)).getBytes(StandardCharsets.UTF_8).length;
    } catch (IllegalStateException e) {
      lines = Long.MAX_VALUE / 200;
    }
    return limits.fill(Base64.getDecoder().decode(data).length, lines);
  }

  private static String annotation(Secret shard, String key) {
    Map<String, String> a = shard.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  public static String shardName(IoTHub hub, int index) {
    return HubNames.registry(hub) + "-" + index;
  }

  /**
   * Adds or replaces records (by id) in the region's registry: one read and one write per shard.
   */
  public void write(IoTHub hub, Region region, Collection<DeviceRecord> records, Instant now) {
    change(hub, region, records, List.of(), now);
  }

  /** Removes records by id; ids that are not there are ignored. */
  public void remove(IoTHub hub, Region region, Collection<String> ids, Instant now) {
    change(hub, region, List.of(), ids, now);
  }

  /** The record of one device, reading only its shard; null when it is not registered. */
  public DeviceRecord find(IoTHub hub, Region region, String id) {
    Secret shard = getShard(hub, region, RegistryShard.indexOf(id, shardCount(hub)));
    return shard == null
        ? null
        : decode(shard).stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }

  Secret getShard(IoTHub hub, Region region, int index) {
    return client.secrets().inNamespace(region.namespace()).withName(shardName(hub, index)).get();
  }

  /**
   * Applies upserts and removals shard by shard. Each shard is replaced with the resourceVersion it
   * was read at, so two writers of one shard never lose each other's changes: the second gets a
   * conflict and retries on fresh data.
   */
  private void change(
      IoTHub hub,
      Region region,
      Collection<DeviceRecord> upserts,
      Collection<String> removals,
      Instant now) {
    if (hub.getStatus() != null && hub.getStatus().getOperation() != null) {
      throw new RegistryFrozenException(hub);
    }
    RegistryFence.guard(
        hub,
        region,
        () -> {
          applyChange(hub, region, upserts, removals, now);
          return null;
        });
  }

  private void applyChange(
      IoTHub hub,
      Region region,
      Collection<DeviceRecord> upserts,
      Collection<String> removals,
      Instant now) {
    int shards = shardCount(hub);
    Map<Integer, List<DeviceRecord>> upsertsByShard = new TreeMap<>();
    for (DeviceRecord r : upserts) {
      upsertsByShard
          .computeIfAbsent(RegistryShard.indexOf(r.id(), shards), i -> new ArrayList<>())
          .add(r);
    }
    Map<Integer, List<String>> removalsByShard = new TreeMap<>();
    for (String id : removals) {
      removalsByShard
          .computeIfAbsent(RegistryShard.indexOf(id, shards), i -> new ArrayList<>())
          .add(id);
    }
    List<Integer> touched = new ArrayList<>(new TreeSet<>(upsertsByShard.keySet()));
    touched.addAll(removalsByShard.keySet());
    touched = new ArrayList<>(new TreeSet<>(touched));
    // One shard in memory at a time, whatever the registry's size. A change of several shards is
    // refused whole when one would not fit: a first pass encodes each only to check its size, then
    // the second reads it again and writes it on the resourceVersion it read.
    if (touched.size() > 1) {
      for (int index : touched) {
        merged(hub, region, shards, index, upsertsByShard, removalsByShard, now);
      }
    }
    for (int index : touched) {
      for (int attempt = 1; ; attempt++) {
        ShardWrite w = merged(hub, region, shards, index, upsertsByShard, removalsByShard, now);
        if (w.current() == null && !upsertsByShard.containsKey(index)) {
          // Only removals, from a shard that is not there: nothing to write. Creating it would
          // bring back a shard the hub's deletion has just removed (a Device released after it).
          break;
        }
        try {
          if (w.current() == null) {
            Ownership.create(client, w.desired());
          } else {
            w.desired()
                .getMetadata()
                .setResourceVersion(w.current().getMetadata().getResourceVersion());
            client.resource(w.desired()).update();
          }
          break;
        } catch (KubernetesClientException e) {
          // Another writer changed the shard since it was read (a Device, the fence, a split):
          // read it again; a fence or a new count found then stops the change as it should.
          if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == CONFLICT_ATTEMPTS) {
            throw e;
          }
        }
      }
    }
  }

  /** Reads of one shard when its write keeps meeting other writers' changes. */
  private static final int CONFLICT_ATTEMPTS = 5;

  /** Shard {@code index} as read now, with the change applied and encoded (its size checked). */
  private ShardWrite merged(
      IoTHub hub,
      Region region,
      int shards,
      int index,
      Map<Integer, List<DeviceRecord>> upsertsByShard,
      Map<Integer, List<String>> removalsByShard,
      Instant now) {
    Secret current = getShard(hub, region, index);
    if (current != null && countOf(current, hub) != shards) {
      // Placed by another count: the registry grows (or this writer's view of it is old).
      throw new RegistryGrowingException(hub, Math.max(shards, countOf(current, hub)));
    }
    if (current != null && isFrozen(current)) {
      throw new RegistryFrozenException(hub);
    }
    Map<String, DeviceRecord> merged = new LinkedHashMap<>();
    if (current != null) {
      decode(current).forEach(r -> merged.put(r.id(), r));
    }
    upsertsByShard.getOrDefault(index, List.of()).forEach(r -> merged.put(r.id(), r));
    removalsByShard.getOrDefault(index, List.of()).forEach(merged::remove);
    return new ShardWrite(
        encode(hub, region, index, shards, merged.values(), now, limits, current), current);
  }

  private record ShardWrite(Secret desired, Secret current) {}

  /**
   * The region's shard Secrets by index, with their data, in one unpaged LIST: the whole registry
   * in memory. For tests and benchmarks that inspect every record; the operator plans from {@link
   * #shardMetadata} and reads shards one at a time.
   */
  public Map<Integer, Secret> shards(IoTHub hub, Region region) {
    Map<Integer, Secret> result = new HashMap<>();
    for (Secret s :
        client
            .secrets()
            .inNamespace(region.namespace())
            .withLabelSelector(selector(hub))
            .list()
            .getItems()) {
      requireOurs(hub, s);
      result.put(indexOf(s), s);
    }
    return result;
  }

  /**
   * The region's shards by index, metadata only (annotations, resourceVersion; no records): paged,
   * so a region of any size costs O(shards) small objects and no shard's data.
   */
  public Map<Integer, Secret> shardMetadata(IoTHub hub, Region region) {
    Map<Integer, Secret> result = new TreeMap<>();
    for (Secret s : SecretMetadata.list(client, region.namespace(), selector(hub))) {
      requireOurs(hub, s);
      result.put(indexOf(s), s);
    }
    return result;
  }

  /** One shard with its data, by the name its metadata gives; null when it is gone meanwhile. */
  Secret fetch(IoTHub hub, Region region, Secret metadata) {
    Secret full =
        client
            .secrets()
            .inNamespace(region.namespace())
            .withName(metadata.getMetadata().getName())
            .get();
    if (full != null) {
      requireOurs(hub, full);
    }
    return full;
  }

  private static String selector(IoTHub hub) {
    return HubNames.ownerSelector(hub) + "," + HubNames.COMPONENT + "=" + COMPONENT;
  }

  /** A shard's index, from its annotation. */
  public static int indexOf(Secret shard) {
    return Integer.parseInt(shard.getMetadata().getAnnotations().get(SHARD));
  }

  /** Its record count, from its annotation. */
  public static long recordsOf(Secret shard) {
    return Long.parseLong(shard.getMetadata().getAnnotations().get(RECORDS));
  }

  /** The Secret without its data: what a plan keeps of a shard it has read in full. */
  static Secret metadataOnly(Secret shard) {
    return new SecretBuilder().withMetadata(shard.getMetadata()).build();
  }

  /**
   * A shard left by another hub of the same name (another uid), or a foreign Secret, is not ours.
   */
  static void requireOurs(IoTHub hub, Secret shard) {
    Ownership.requireOurs(
        shard,
        hub.getMetadata().getUid(),
        hub.getMetadata().getName(),
        hub.getMetadata().getNamespace());
  }

  /** Every record of the region, read one shard at a time (the result is the whole registry). */
  public List<DeviceRecord> readAll(IoTHub hub, Region region) {
    List<DeviceRecord> all = new ArrayList<>();
    for (Secret metadata : shardMetadata(hub, region).values()) {
      Secret shard = fetch(hub, region, metadata);
      if (shard != null) {
        all.addAll(decode(shard));
      }
    }
    return all;
  }

  /**
   * Count and combined checksum from the shards' annotations; no record is decoded. The checksum
   * combines {@code index:checksum} of the shards that hold records, in index order: an empty shard
   * and a missing one are the same, whatever the number of shards.
   */
  public static RegistrySummary summarize(Collection<Secret> shards) {
    Map<Integer, Secret> byIndex = new TreeMap<>();
    for (Secret s : shards) {
      byIndex.put(indexOf(s), s);
    }
    long count = 0;
    StringBuilder checksums = new StringBuilder();
    Instant oldestSync = null;
    for (Map.Entry<Integer, Secret> e : byIndex.entrySet()) {
      Map<String, String> a = e.getValue().getMetadata().getAnnotations();
      long records = Long.parseLong(a.get(RECORDS));
      count += records;
      if (records > 0) {
        checksums.append(e.getKey()).append(':').append(a.get(CHECKSUM)).append('\n');
      }
      if (a.get(SYNCED_AT) != null) {
        Instant synced = Timestamps.parse(a.get(SYNCED_AT));
        oldestSync = oldestSync == null || synced.isBefore(oldestSync) ? synced : oldestSync;
      }
    }
    return new RegistrySummary(count, sha256(checksums.toString()), byIndex.size(), oldestSync);
  }

  /** The records of a shard Secret read in full (with its data). */
  public static List<DeviceRecord> records(Secret shard) {
    return decode(shard);
  }

  static List<DeviceRecord> decode(Secret shard) {
    String data = shard.getData() == null ? null : shard.getData().get(DATA_KEY);
    if (data == null) {
      return List.of();
    }
    return RegistryShard.parse(RegistryShard.decompress(Base64.getDecoder().decode(data)));
  }

  /** Recomputes a shard's checksum from its data, to verify a copy byte for byte. */
  static String checksumOfData(Secret shard) {
    String data = shard.getData() == null ? null : shard.getData().get(DATA_KEY);
    byte[] canonical =
        data == null
            ? RegistryShard.canonical(List.of())
            : RegistryShard.decompress(Base64.getDecoder().decode(data));
    return RegistryShard.checksum(canonical);
  }

  static Secret encode(
      IoTHub hub, Region region, int index, Collection<DeviceRecord> records, Instant now) {
    return encode(hub, region, index, shardCount(hub), records, now, ShardLimits.DEFAULTS, null);
  }

  /**
   * A shard Secret of {@code records} placed by {@code count} shards.
   *
   * @param before the shard as read before the change (its fill says whether the registry grows
   *     when this one does not fit), or null
   * @throws RegistryFullException when it would not fit {@code limits}
   */
  static Secret encode(
      IoTHub hub,
      Region region,
      int index,
      int count,
      Collection<DeviceRecord> records,
      Instant now,
      ShardLimits limits,
      Secret before) {
    byte[] canonical = RegistryShard.canonical(records);
    byte[] compressed = RegistryShard.compress(canonical);
    int fillBefore = before == null ? 0 : fillOf(before, limits);
    if (compressed.length > limits.recordBytes()) {
      throw new RegistryFullException(
          hub,
          index,
          count,
          records.size(),
          "its records would take " + compressed.length + " bytes, over " + limits.recordBytes(),
          fillBefore);
    }
    long lineBytes;
    try {
      // The broker's password fragment of this shard must fit in a Secret as well.
      lineBytes = PasswordFile.deviceFragment(records).getBytes(StandardCharsets.UTF_8).length;
    } catch (IllegalStateException e) {
      lineBytes = Long.MAX_VALUE;
    }
    if (lineBytes > limits.fragmentBytes()) {
      throw new RegistryFullException(
          hub,
          index,
          count,
          records.size(),
          "their password lines would take more than " + limits.fragmentBytes() + " bytes",
          fillBefore);
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(SHARD, Integer.toString(index));
    annotations.put(RECORDS, Integer.toString(records.size()));
    annotations.put(CHECKSUM, RegistryShard.checksum(canonical));
    annotations.put(SYNCED_AT, Timestamps.format(now));
    annotations.put(SHARDS, Integer.toString(count));
    annotations.put(FILL, Integer.toString(limits.fill(compressed.length, lineBytes)));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(shardName(hub, index))
        .withNamespace(region.namespace())
        .withLabels(HubNames.ownerLabels(hub))
        .addToLabels(HubNames.COMPONENT, COMPONENT)
        .addToLabels(HubNames.REGION, region.id())
        .addToLabels(HubNames.REGION_SECRET, "true")
        .withAnnotations(annotations)
        .endMetadata()
        .withType(SECRET_TYPE)
        .withData(Map.of(DATA_KEY, Base64.getEncoder().encodeToString(compressed)))
        .build();
  }

  /** A copy of a shard for another region, with the same records, bytes and checksum. */
  static Secret copyFor(IoTHub hub, Secret source, Region target, Instant now) {
    Secret copy =
        new SecretBuilder()
            .withNewMetadata()
            .withName(source.getMetadata().getName())
            .withNamespace(target.namespace())
            .withLabels(new LinkedHashMap<>(source.getMetadata().getLabels()))
            // The hub's own identity: a copy from another cluster carries that cluster's uid.
            .addToLabels(HubNames.ownerLabels(hub))
            .addToLabels(HubNames.REGION, target.id())
            .withAnnotations(new LinkedHashMap<>(source.getMetadata().getAnnotations()))
            .addToAnnotations(SYNCED_AT, Timestamps.format(now))
            .removeFromAnnotations(FROZEN)
            .endMetadata()
            .withType(SECRET_TYPE)
            .withData(new LinkedHashMap<>(source.getData()))
            .build();
    return copy;
  }

  /**
   * Same records by the annotations (checksum and count), and the copy is not marked frozen (a mark
   * left from an earlier operation).
   */
  static boolean sameContent(Secret a, Secret b) {
    return a != null
        && b != null
        && !isFrozen(b)
        && Objects.equals(
            a.getMetadata().getAnnotations().get(CHECKSUM),
            b.getMetadata().getAnnotations().get(CHECKSUM))
        && Objects.equals(
            a.getMetadata().getAnnotations().get(RECORDS),
            b.getMetadata().getAnnotations().get(RECORDS));
  }

  public static boolean isFrozen(Secret shard) {
    return shard.getMetadata().getAnnotations() != null
        && "true".equals(shard.getMetadata().getAnnotations().get(FROZEN));
  }

  private Secret mark(Region region, String name, String patch) {
    return SecretMetadata.patch(client, region.namespace(), name, patch);
  }

  /** Old marks lifted at once. */
  static final int PARALLEL_PATCHES = 4;

  private static final String THAW = "{\"metadata\":{\"annotations\":{\"" + FROZEN + "\":null}}}";

  /**
   * Lifts the marks of an older release's fence by patch; empty shards it created to fence are
   * removed, each only as read (one that got records meanwhile is not ours to delete).
   */
  public void unfreeze(IoTHub hub, Region region) {
    List<Callable<Secret>> lifts = new ArrayList<>();
    for (Secret shard : shardMetadata(hub, region).values()) {
      if (!isFrozen(shard)) {
        continue;
      }
      if (recordsOf(shard) == 0) {
        lifts.add(
            () -> {
              client
                  .resource(shard)
                  .lockResourceVersion(shard.getMetadata().getResourceVersion())
                  .delete();
              return shard;
            });
      } else {
        lifts.add(() -> mark(region, shard.getMetadata().getName(), THAW));
      }
    }
    Parallel.run(lifts, PARALLEL_PATCHES);
  }

  private static String sha256(String text) {
    return Sha256.hex(text);
  }
}
