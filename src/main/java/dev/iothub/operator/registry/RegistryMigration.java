package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.Ownership;
import dev.iothub.operator.objects.Parallel;
import dev.iothub.operator.objects.SecretMetadata;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Moves a hub's registry to another region, planned from the shards' metadata: copies only the
 * shards whose checksum or count annotation differs (so a re-run after a crash, or a target already
 * in sync, copies nothing and reads no record), a few shards at a time (each read, written,
 * verified, dropped), and deletes target shards the source does not have. Memory: {@link
 * #PARALLEL_COPIES} shards; API calls: O(changed shards).
 */
public final class RegistryMigration {
  private final KubernetesClient client;
  private final RegistryStore store;
  // Where the source's shards are read, and the hub they belong to there (null: the same hub).
  private final RegistryStore sourceStore;
  private final IoTHub sourceHub;

  public RegistryMigration(KubernetesClient client) {
    this.client = client;
    this.store = new RegistryStore(client);
    this.sourceStore = store;
    this.sourceHub = null;
  }

  /**
   * Copies from another cluster: the source's shards are read with {@code sourceClient}, and belong
   * to {@code sourceHub}, the same hub as that cluster stores it (another uid). Writes stay in this
   * cluster.
   */
  public RegistryMigration(
      KubernetesClient client, KubernetesClient sourceClient, IoTHub sourceHub) {
    this.client = client;
    this.store = new RegistryStore(client);
    this.sourceStore = new RegistryStore(sourceClient);
    this.sourceHub = sourceHub;
  }

  /**
   * Plans from a metadata LIST of both regions.
   *
   * @param progress told the number of records in place in the target after each shard
   * @return the verified result
   * @throws RegistryMismatchException when the target does not match the source after the copy
   */
  public MigrationResult migrate(
      IoTHub hub, Region source, Region target, Instant now, LongConsumer progress) {
    return migrate(
        hub,
        source,
        store.shardMetadata(hub, source),
        target,
        store.shardMetadata(hub, target),
        now,
        progress);
  }

  /**
   * Plans from the shards' metadata as the caller has it (the freeze's answers, an informer's
   * cache). Metadata that is stale costs at most a copy that was not needed: every shard copied is
   * read fresh, and a target written meanwhile is read again before it is replaced.
   *
   * @param from the source's shards by index (metadata suffices)
   * @param to the target's shards by index (metadata suffices)
   */
  public MigrationResult migrate(
      IoTHub hub,
      Region source,
      Map<Integer, Secret> from,
      Region target,
      Map<Integer, Secret> to,
      Instant now,
      LongConsumer progress) {
    Map<Integer, Secret> copiedFrom = new TreeMap<>(from);
    Set<Integer> indexes = new TreeSet<>(from.keySet());
    indexes.addAll(to.keySet());
    AtomicLong inPlace = new AtomicLong();
    LongConsumer placed = n -> progress.accept(inPlace.addAndGet(n));
    List<Callable<Copied>> copies = new ArrayList<>();
    for (int index : indexes) {
      Secret s = from.get(index);
      Secret t = to.get(index);
      if (t != null) {
        Ownership.requireOurs(
            t,
            hub.getMetadata().getUid(),
            hub.getMetadata().getName(),
            hub.getMetadata().getNamespace());
      }
      if (RegistryStore.sameContent(s, t)) {
        synchronized (placed) {
          placed.accept(RegistryStore.recordsOf(s));
        }
        continue;
      }
      copies.add(() -> copyShard(hub, source, s, target, t, now, placed));
    }
    int copied = 0;
    for (Copied c : Parallel.run(copies, PARALLEL_COPIES)) {
      if (c.source() == null) {
        copiedFrom.remove(c.index());
      } else {
        copiedFrom.put(c.index(), c.source());
      }
      copied += c.writes();
    }
    RegistrySummary result = RegistryStore.summarize(copiedFrom.values());
    return new MigrationResult(result.devices(), copied, result.checksum());
  }

  /**
   * Shards copied at once: the API server takes several writes at a time, and one at a time a cold
   * copy is paid in round trips. Each holds one shard in memory.
   */
  static final int PARALLEL_COPIES = 4;

  /** One shard made equal in the target: read, write, verify; or deleted there. */
  private Copied copyShard(
      IoTHub hub,
      Region source,
      Secret planned,
      Region target,
      Secret existing,
      Instant now,
      LongConsumer placed) {
    int index = RegistryStore.indexOf(planned != null ? planned : existing);
    Secret full =
        planned == null
            ? null
            : sourceStore.fetch(sourceHub == null ? hub : sourceHub, source, planned);
    if (full == null) {
      // Not in the source (any more): the target holds no such shard either.
      if (existing != null) {
        client.resource(existing).delete();
        return new Copied(index, null, 1);
      }
      return new Copied(index, null, 0);
    }
    Secret written = copy(hub, full, target, existing, now);
    verify(index, full, written);
    synchronized (placed) {
      placed.accept(RegistryStore.recordsOf(full));
    }
    return new Copied(index, RegistryStore.metadataOnly(full), 1);
  }

  /** A shard's outcome: its source metadata as copied (null when it is gone), writes made. */
  private record Copied(int index, Secret source, int writes) {}

  /** Writes the copy over the target shard as planned; one written meanwhile is read again. */
  private Secret copy(IoTHub hub, Secret full, Region target, Secret planned, Instant now) {
    Secret copy = RegistryStore.copyFor(hub, full, target, now);
    Secret current = planned;
    for (int attempt = 0; ; attempt++) {
      try {
        if (current == null) {
          return Ownership.create(client, copy);
        }
        copy.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        return client.resource(copy).update();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt > 0) {
          throw e;
        }
      }
      // The plan was older than the target (an informer behind our own last write).
      current = SecretMetadata.get(client, target.namespace(), full.getMetadata().getName());
      if (current != null) {
        Ownership.requireOurs(
            current,
            hub.getMetadata().getUid(),
            hub.getMetadata().getName(),
            hub.getMetadata().getNamespace());
      }
    }
  }

  /**
   * The target's shard as the API server stored it (its answer to our write) has the source's
   * records: its checksum recomputed from its bytes, and its annotations, equal the source's.
   */
  private static void verify(int index, Secret source, Secret written) {
    String expected = source.getMetadata().getAnnotations().get(RegistryStore.CHECKSUM);
    // The same bytes as the source's carry the source's checksum: only other bytes are unpacked
    // and hashed (at a million devices that was most of the copy's own work).
    boolean sameBytes =
        source.getData() != null
            && written.getData() != null
            && Objects.equals(
                source.getData().get(RegistryStore.DATA_KEY),
                written.getData().get(RegistryStore.DATA_KEY));
    String actual = sameBytes ? expected : RegistryStore.checksumOfData(written);
    if (!expected.equals(actual)) {
      throw new RegistryMismatchException(index, "checksum " + actual + ", expected " + expected);
    }
    Map<String, String> a = written.getMetadata().getAnnotations();
    if (!Objects.equals(expected, a.get(RegistryStore.CHECKSUM))
        || !Objects.equals(
            source.getMetadata().getAnnotations().get(RegistryStore.RECORDS),
            a.get(RegistryStore.RECORDS))) {
      throw new RegistryMismatchException(
          index,
          a.get(RegistryStore.RECORDS)
              + " records with checksum "
              + a.get(RegistryStore.CHECKSUM)
              + " annotated, expected "
              + source.getMetadata().getAnnotations().get(RegistryStore.RECORDS)
              + " with "
              + expected);
    }
  }

  /**
   * @param copiedShards shards written or deleted in the target (0 when it was in sync)
   */
  public record MigrationResult(long devices, int copiedShards, String checksum) {}

  /** The target's registry does not match the source after a copy. */
  public static final class RegistryMismatchException extends IllegalStateException {
    public RegistryMismatchException(int shard, String detail) {
      super(
          "registry shard " + shard + " in the target region does not match the source: " + detail);
    }
  }
}
