package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.Ownership;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Moves a hub's registry to another region: copies every shard whose checksum differs (so a re-run
 * after a crash, or a target already in sync, copies nothing), then verifies the target shard by
 * shard against the source, recomputing each checksum from the copied bytes. O(shards) API calls.
 */
public final class RegistryMigration {
  private final KubernetesClient client;
  private final RegistryStore store;

  public RegistryMigration(KubernetesClient client) {
    this.client = client;
    this.store = new RegistryStore(client);
  }

  /**
   * @param progress told the number of records in place in the target after each shard
   * @return the verified result
   * @throws RegistryMismatchException when the target does not match the source after the copy
   */
  public MigrationResult migrate(
      IoTHub hub, Region source, Region target, Instant now, LongConsumer progress) {
    int shards = RegistryStore.shardCount(hub);
    Map<Integer, Secret> from = store.shards(hub, source);
    Map<Integer, Secret> to = store.shards(hub, target);
    long total = RegistryStore.summarize(from.values(), shards).devices();
    long inPlace = 0;
    int copied = 0;
    for (int index = 0; index < shards; index++) {
      Secret s = from.get(index);
      Secret t = to.get(index);
      if (s == null) {
        if (t != null) {
          client.resource(t).delete();
          copied++;
        }
        continue;
      }
      if (!RegistryStore.sameContent(s, t)) {
        Secret copy = RegistryStore.copyFor(hub, s, target, now);
        if (t == null) {
          Ownership.create(client, copy);
        } else {
          copy.getMetadata().setResourceVersion(t.getMetadata().getResourceVersion());
          client.resource(copy).update();
        }
        copied++;
      }
      inPlace += Long.parseLong(s.getMetadata().getAnnotations().get(RegistryStore.RECORDS));
      progress.accept(inPlace);
    }
    verify(hub, from, target, shards);
    return new MigrationResult(
        total, copied, RegistryStore.summarize(from.values(), shards).checksum());
  }

  private void verify(IoTHub hub, Map<Integer, Secret> from, Region target, int shards) {
    Map<Integer, Secret> to = store.shards(hub, target);
    for (int index = 0; index < shards; index++) {
      Secret s = from.get(index);
      Secret t = to.get(index);
      if (s == null && t == null) {
        continue;
      }
      if (s == null || t == null) {
        throw new RegistryMismatchException(index, "present in only one region");
      }
      String expected = s.getMetadata().getAnnotations().get(RegistryStore.CHECKSUM);
      String actual = RegistryStore.checksumOfData(t);
      if (!expected.equals(actual)) {
        throw new RegistryMismatchException(index, "checksum " + actual + ", expected " + expected);
      }
      long count = RegistryStore.decode(t).size();
      long expectedCount =
          Long.parseLong(s.getMetadata().getAnnotations().get(RegistryStore.RECORDS));
      if (count != expectedCount) {
        throw new RegistryMismatchException(index, count + " records, expected " + expectedCount);
      }
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
