package dev.iothub.operator.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import dev.iothub.embedded.EmbeddedApiServer;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.testing.HubFixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Freezing a region races with its writers: the freeze never overwrites what they wrote. */
class RegistryFreezeMockTest {
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  private EmbeddedApiServer server;
  private final Region west = RegionCatalog.azureDefaults().find("westus2").orElseThrow();
  private IoTHub hub;
  private RegistryStore store;

  @BeforeEach
  void start() {
    server = EmbeddedApiServer.start();
    server.createNamespaces(List.of(west.namespace()));
    hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder()
            .withName("contoso-hub")
            .withNamespace("manlfailrg")
            .withUid("uid-1")
            .build());
    IoTHubSpec spec = new IoTHubSpec();
    spec.setLocation("westus2");
    hub.setSpec(spec);
    store = new RegistryStore(server.client());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void shardsCreatedBetweenTheFreezesReadAndWriteKeepTheirRecords() {
    // The freeze read the region when it had no shard at all ...
    Map<Integer, Secret> readByFreeze = store.shards(hub, west);
    assertThat(readByFreeze).isEmpty();
    // ... then a writer created shards with 200 records ...
    store.write(hub, west, HubFixtures.devices(200, "device-"), NOW);
    List<DeviceRecord> written = store.readAll(hub, west);
    int created = store.shards(hub, west).size();
    assertThat(created).isPositive().isLessThanOrEqualTo(RegistryStore.shardCount(hub));

    // ... and the freeze writes from its stale read.
    store.freeze(hub, west, NOW, readByFreeze);

    Map<Integer, Secret> after = store.shards(hub, west);
    assertThat(after).hasSize(RegistryStore.shardCount(hub));
    assertThat(after.values()).allMatch(RegistryStore::isFrozen);
    assertThat(store.readAll(hub, west)).containsExactlyInAnyOrderElementsOf(written);
    assertThat(RegistryStore.summarize(after.values()).devices()).isEqualTo(200);

    // Unfreezing removes only the empty shards the freeze made; the writer's keep their records.
    store.unfreeze(hub, west);
    assertThat(store.shards(hub, west)).hasSize(created);
    assertThat(store.shards(hub, west).values()).noneMatch(RegistryStore::isFrozen);
    assertThat(store.readAll(hub, west)).containsExactlyInAnyOrderElementsOf(written);
  }

  @Test
  void aShardChangedAfterTheFreezesReadIsMarkedAndNotOverwritten() {
    store.write(hub, west, HubFixtures.devices(50, "device-"), NOW);
    Map<Integer, Secret> readByFreeze = store.shardMetadata(hub, west);
    store.write(hub, west, HubFixtures.devices(50, "later-"), NOW);
    List<DeviceRecord> written = store.readAll(hub, west);

    // The mark is a patch of the annotation alone: a stale read cannot overwrite the records.
    store.freeze(hub, west, NOW, readByFreeze);

    assertThat(store.shardMetadata(hub, west).values()).allMatch(RegistryStore::isFrozen);
    assertThat(store.readAll(hub, west)).containsExactlyInAnyOrderElementsOf(written);
  }

  @Test
  void aWriteRacingTheFreezeGetsAConflictAndThenWaits() {
    store.write(hub, west, HubFixtures.devices(50, "device-"), NOW);
    Secret readByWriter =
        server
            .client()
            .secrets()
            .inNamespace(west.namespace())
            .withName(RegistryStore.shardName(hub, 0))
            .get();

    store.freeze(hub, west, NOW);

    // The writer's update on the resourceVersion it read fails ...
    readByWriter.getMetadata().getAnnotations().put(RegistryStore.RECORDS, "0");
    assertThatThrownBy(() -> server.client().resource(readByWriter).update())
        .isInstanceOf(KubernetesClientException.class)
        .extracting(e -> ((KubernetesClientException) e).getCode())
        .isEqualTo(409);
    // ... and, reading again, it sees the mark and waits.
    assertThatThrownBy(() -> store.write(hub, west, HubFixtures.devices(1, "late-"), NOW))
        .isInstanceOf(RegistryFrozenException.class);
    assertThat(RegistryStore.summarize(store.shardMetadata(hub, west).values()).devices())
        .isEqualTo(50);
  }
}
