package dev.iothub.operator.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import dev.iothub.embedded.EmbeddedApiServer;
import dev.iothub.operator.objects.SecretMetadata;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.testing.HubFixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryMigrationMockTest {
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  private EmbeddedApiServer server;
  private final RegionCatalog catalog = RegionCatalog.azureDefaults();
  private final Region west = catalog.find("westus2").orElseThrow();
  private final Region westCentral = catalog.find("westcentralus").orElseThrow();
  private IoTHub hub;

  @BeforeEach
  void start() {
    server = EmbeddedApiServer.start();
    server.createNamespaces(List.of(west.namespace(), westCentral.namespace()));
    hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder()
            .withName("contoso-hub")
            .withNamespace("manlfailrg")
            .withUid(java.util.UUID.randomUUID().toString())
            .build());
    IoTHubSpec spec = new IoTHubSpec();
    spec.setLocation("westus2");
    hub.setSpec(spec);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void migratesHundredThousandRecordsInOShardsCallsWithEqualCountsAndChecksums() {
    RegistryStore store = new RegistryStore(server.client());
    store.write(hub, west, HubFixtures.devices(100_000, "device-"), NOW);
    int shards = RegistryStore.shardCount(hub);
    for (Secret s : store.shards(hub, west).values()) {
      assertThat(Base64Length.decoded(s)).isLessThan(RegistryShard.MAX_BYTES);
    }

    int callsBefore = server.requestCount();
    RegistryMigration.MigrationResult result =
        new RegistryMigration(server.client()).migrate(hub, west, westCentral, NOW, n -> {});
    int calls = server.requestCount() - callsBefore;

    assertThat(result.devices()).isEqualTo(100_000);
    assertThat(result.copiedShards()).isEqualTo(shards);
    // A paged metadata LIST of each region, then per shard one read and one write (verified from
    // the write's answer): O(shards), not O(devices).
    assertThat(calls).isLessThanOrEqualTo(2 * shards + 2 * (shards / 8 + 1));
    RegistrySummary source = RegistryStore.summarize(store.shards(hub, west).values());
    RegistrySummary target = RegistryStore.summarize(store.shards(hub, westCentral).values());
    assertThat(target.devices()).isEqualTo(source.devices()).isEqualTo(100_000);
    assertThat(target.checksum()).isEqualTo(source.checksum()).isEqualTo(result.checksum());
    assertThat(store.readAll(hub, westCentral))
        .containsExactlyInAnyOrderElementsOf(store.readAll(hub, west));
  }

  @Test
  void aSecondMigrationCopiesOnlyTheShardsThatChanged() {
    RegistryStore store = new RegistryStore(server.client());
    store.write(hub, west, HubFixtures.devices(5_000, "device-"), NOW);
    RegistryMigration migration = new RegistryMigration(server.client());
    migration.migrate(hub, west, westCentral, NOW, n -> {});

    assertThat(migration.migrate(hub, west, westCentral, NOW, n -> {}).copiedShards()).isZero();
    store.write(hub, west, HubFixtures.devices(1, "newcomer-"), NOW);
    RegistryMigration.MigrationResult again =
        migration.migrate(hub, west, westCentral, NOW, n -> {});
    assertThat(again.copiedShards()).isEqualTo(1);
    assertThat(again.devices()).isEqualTo(5_001);
  }

  @Test
  void aTargetShardWhoseAnnotationsDifferIsCopiedAgain() {
    RegistryStore store = new RegistryStore(server.client());
    store.write(hub, west, HubFixtures.devices(1_000, "device-"), NOW);
    RegistryMigration migration = new RegistryMigration(server.client());
    migration.migrate(hub, west, westCentral, NOW, n -> {});
    // One target shard holds another's bytes and says so (its annotations follow its bytes).
    Map<Integer, Secret> target = store.shards(hub, westCentral);
    Secret tampered = target.get(3);
    Secret other = store.shards(hub, west).get(2);
    tampered.setData(other.getData());
    tampered
        .getMetadata()
        .getAnnotations()
        .put(
            RegistryStore.CHECKSUM,
            other.getMetadata().getAnnotations().get(RegistryStore.CHECKSUM));
    tampered
        .getMetadata()
        .getAnnotations()
        .put(
            RegistryStore.RECORDS, other.getMetadata().getAnnotations().get(RegistryStore.RECORDS));
    server.client().resource(tampered).update();

    assertThat(migration.migrate(hub, west, westCentral, NOW, n -> {}).copiedShards()).isEqualTo(1);
    assertThat(store.readAll(hub, westCentral))
        .containsExactlyInAnyOrderElementsOf(store.readAll(hub, west));
  }

  @Test
  void writesAreRefusedWhileAnOperationRuns() {
    hub.setStatus(new dev.iothub.api.v1alpha1.IoTHubStatus());
    hub.getStatus().setOperation(new dev.iothub.api.v1alpha1.ActiveOperation());
    assertThatThrownBy(
            () ->
                new RegistryStore(server.client())
                    .write(hub, west, HubFixtures.devices(1, "x"), NOW))
        .isInstanceOf(RegistryFrozenException.class)
        .hasMessageContaining("frozen while an operation runs");
  }

  @Test
  void aClosedFenceRefusesWritesEvenFromAWriterThatReadTheHubBefore() {
    RegistryStore store = new RegistryStore(server.client());
    store.write(hub, west, HubFixtures.devices(100, "device-"), NOW);

    RegistryFence.close(hub);

    // The writer saw no operation in the hub's status; the fence stops it anyway.
    assertThatThrownBy(() -> store.write(hub, west, HubFixtures.devices(1, "late-"), NOW))
        .isInstanceOf(RegistryFrozenException.class);
    assertThat(RegistryStore.summarize(store.shardMetadata(hub, west).values()).devices())
        .isEqualTo(100);

    // Open to the other region: a writer with the old view still writes nothing here.
    RegistryFence.openTo(hub, westCentral);
    assertThatThrownBy(() -> store.write(hub, west, HubFixtures.devices(1, "late-"), NOW))
        .isInstanceOf(RegistryFrozenException.class);

    RegistryFence.openTo(hub, west);
    store.write(hub, west, HubFixtures.devices(1, "late-"), NOW);
    assertThat(store.find(hub, west, "late-0")).isNotNull();
  }

  @Test
  void aRemovalFromAShardThatIsGoneCreatesNothing() {
    RegistryStore store = new RegistryStore(server.client());
    store.write(hub, west, HubFixtures.devices(3, "leaving-"), NOW);
    // The hub's deletion removed its registry; a Device released after it removes its record.
    server.client().secrets().inNamespace(west.namespace()).delete();

    store.remove(hub, west, List.of("leaving-0", "leaving-1"), NOW);

    assertThat(store.shardMetadata(hub, west)).isEmpty();
  }

  @Test
  void anOlderReleasesMarkRefusesWritersIsNotCopiedAndIsLifted() {
    RegistryStore store = new RegistryStore(server.client());
    store.write(hub, west, HubFixtures.devices(100, "device-"), NOW);
    // Shards marked by a release that fenced with an annotation on every shard.
    for (Secret s : store.shardMetadata(hub, west).values()) {
      SecretMetadata.patch(
          server.client(),
          west.namespace(),
          s.getMetadata().getName(),
          "{\"metadata\":{\"annotations\":{\"" + RegistryStore.FROZEN + "\":\"true\"}}}");
    }
    assertThatThrownBy(() -> store.write(hub, west, HubFixtures.devices(1, "late-"), NOW))
        .isInstanceOf(RegistryFrozenException.class);

    new RegistryMigration(server.client()).migrate(hub, west, westCentral, NOW, n -> {});
    assertThat(store.shardMetadata(hub, westCentral).values()).noneMatch(RegistryStore::isFrozen);
    store.write(hub, westCentral, HubFixtures.devices(1, "after-"), NOW);

    store.unfreeze(hub, west);
    assertThat(store.shardMetadata(hub, west).values()).noneMatch(RegistryStore::isFrozen);
    store.write(hub, west, HubFixtures.devices(1, "late-"), NOW);
    assertThat(store.find(hub, west, "late-0")).isNotNull();
  }

  /** Size of a shard's stored bytes. */
  private static final class Base64Length {
    static int decoded(Secret s) {
      return java.util.Base64.getDecoder().decode(s.getData().get(RegistryStore.DATA_KEY)).length;
    }
  }
}
