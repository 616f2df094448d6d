package dev.iothub.operator.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.embedded.EmbeddedApiServer;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.testing.ApiTraffic;
import dev.iothub.testing.HubFixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the registry's migration, mirror and fence cost, counted at the API server: requests and
 * bytes follow what changed, never the fleet. (The mock answers PartialObjectMetadata requests with
 * metadata only, as the real API server does; see ApiTraffic.)
 */
class RegistryDeltaMockTest {
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  private static final int DEVICES = 20_000;
  private final ApiTraffic traffic = new ApiTraffic();
  private final RegionCatalog catalog = RegionCatalog.azureDefaults();
  private final Region west = catalog.find("westus2").orElseThrow();
  private final Region westCentral = catalog.find("westcentralus").orElseThrow();
  private EmbeddedApiServer server;
  private IoTHub hub;
  private RegistryStore store;
  private RegistryMigration migration;
  private long dataBytes;

  @BeforeEach
  void start() {
    server = EmbeddedApiServer.start(traffic, -1);
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
    store = new RegistryStore(server.client());
    migration = new RegistryMigration(server.client());
    store.write(hub, west, HubFixtures.devices(DEVICES, "device-"), NOW);
    migration.migrate(hub, west, westCentral, NOW, n -> {});
    dataBytes =
        store.shards(hub, west).values().stream()
            .mapToLong(s -> s.getData().get(RegistryStore.DATA_KEY).length())
            .sum();
    traffic.drain();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aMigrationToACurrentStandbyReadsNoShardData() {
    int shards = store.shardMetadata(hub, west).size();
    traffic.drain();

    RegistryMigration.MigrationResult result =
        migration.migrate(hub, west, westCentral, NOW, n -> {});

    List<ApiTraffic.Exchange> calls = traffic.drain();
    print("current standby migration", calls);
    assertThat(result.copiedShards()).isZero();
    assertThat(result.devices()).isEqualTo(DEVICES);
    assertThat(calls).allSatisfy(c -> assertThat(c.method()).isEqualTo("GET"));
    // Paged metadata LISTs of both regions only: no shard is read by name.
    assertThat(calls).allSatisfy(c -> assertThat(c.path()).contains("?labelSelector=", "limit="));
    assertThat(calls).hasSizeLessThanOrEqualTo(2 * (shards / 8 + 1));
    long answered = calls.stream().mapToLong(ApiTraffic.Exchange::answerBytes).sum();
    System.out.printf("the shards' data: %d B%n", dataBytes);
    // About 1.5 kB of metadata per shard, whatever it holds.
    assertThat(answered).isLessThan(2_000L * 2 * shards).isLessThan(dataBytes / 4);
  }

  @Test
  void oneDeviceChangeMakesTheMirrorCopyExactlyOneShard() {
    store.write(hub, west, HubFixtures.devices(1, "newcomer-"), NOW);
    // The shard informer's metadata, as the hub pass hands it to the mirror.
    List<Secret> cached = new ArrayList<>(store.shardMetadata(hub, west).values());
    cached.addAll(store.shardMetadata(hub, westCentral).values());
    traffic.drain();

    RegistryStatus status =
        new RegistryMirror(server.client())
            .observe(hub, west, westCentral, true, true, cached, false, NOW.plusSeconds(5));

    List<ApiTraffic.Exchange> calls = traffic.drain();
    print("mirror after one device change", calls);
    assertThat(status.getStandbyError()).isNull();
    assertThat(status.getStandbySyncedAt()).isEqualTo("2026-11-26T10:00:05Z");
    assertThat(status.getDevices()).isEqualTo(DEVICES + 1);
    // One GET of the changed source shard, one PUT of its copy: nothing listed, nothing else.
    assertThat(calls).extracting(ApiTraffic.Exchange::method).containsExactly("GET", "PUT");
    assertThat(calls.get(0).path()).startsWith("/api/v1/namespaces/" + west.namespace() + "/");
    assertThat(calls.get(1).path())
        .startsWith("/api/v1/namespaces/" + westCentral.namespace() + "/");
    assertThat(calls).noneMatch(c -> c.path().contains("?"));
    assertThat(summaryOf(westCentral)).isEqualTo(summaryOf(west));
  }

  @Test
  void theFenceAndAMigrationToACurrentStandbyWriteNothingAndReadNoRecord() {
    traffic.drain();

    RegistryFence.close(hub);
    var result = migration.migrate(hub, west, westCentral, NOW, n -> {});

    List<ApiTraffic.Exchange> calls = traffic.drain();
    print("fence and migration, standby current", calls);
    assertThat(result.copiedShards()).isZero();
    assertThat(result.devices()).isEqualTo(DEVICES);
    // Two paged metadata LISTs; no write at all, and no answer with a shard's records.
    assertThat(calls)
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.method()).isEqualTo("GET");
              assertThat(c.path()).contains("?");
            });
    assertThat(calls).allSatisfy(c -> assertThat(c.answerBytes()).isLessThan(64 * 1024));
    assertThatThrownBy(() -> store.write(hub, west, HubFixtures.devices(1, "device-"), NOW))
        .isInstanceOf(RegistryFrozenException.class);
    assertThat(traffic.drain()).isEmpty();

    RegistryFence.openTo(hub, west);
    store.write(hub, west, HubFixtures.devices(1, "after-"), NOW);
    assertThat(summaryOf(west).devices()).isEqualTo(DEVICES + 1);
  }

  @Test
  void aCopyTheApiServerStoresDifferentlyIsDetected() {
    store.write(hub, west, HubFixtures.devices(50, "newcomer-"), NOW);
    // The target's API server answers our write of shard 3 with other bytes (a mutating webhook,
    // a corrupting storage layer) under the annotations we sent.
    String other = store.shards(hub, west).get(2).getData().get(RegistryStore.DATA_KEY);
    traffic.rewrite(
        "PUT|POST",
        "/api/v1/namespaces/" + westCentral.namespace() + "/secrets.*contoso-hub.*-3",
        answer ->
            answer.replaceFirst(
                "\"records.jsonl.gz\":\"[^\"]*\"", "\"records.jsonl.gz\":\"" + other + "\""));

    assertThatThrownBy(() -> migration.migrate(hub, west, westCentral, NOW, n -> {}))
        .isInstanceOf(RegistryMigration.RegistryMismatchException.class)
        .hasMessageContaining("registry shard 3");
  }

  @Test
  void targetShardsTheSourceDoesNotHaveAreDeletedWhateverTheShardCount() {
    // A target shard past the source's shard count (left from a larger layout): it goes.
    Secret stray =
        RegistryStore.encode(hub, westCentral, 40, HubFixtures.devices(3, "stray-"), NOW);
    server.client().resource(stray).create();
    assertThat(summaryOf(westCentral)).isNotEqualTo(summaryOf(west));

    RegistryMigration.MigrationResult result =
        migration.migrate(hub, west, westCentral, NOW, n -> {});

    assertThat(result.copiedShards()).isEqualTo(1);
    assertThat(store.shardMetadata(hub, westCentral)).doesNotContainKey(40);
    assertThat(summaryOf(westCentral)).isEqualTo(summaryOf(west));
  }

  @Test
  void theSummaryCountsAnEmptyShardAsAMissingOne() {
    RegistrySummary before = summaryOf(west);
    List<Secret> withEmpty = new ArrayList<>(store.shardMetadata(hub, west).values());
    withEmpty.add(RegistryStore.encode(hub, west, 77, List.of(), NOW));
    RegistrySummary after = RegistryStore.summarize(withEmpty);
    assertThat(after.checksum()).isEqualTo(before.checksum());
    assertThat(after.devices()).isEqualTo(before.devices());
    assertThat(after.shardsPresent()).isEqualTo(before.shardsPresent() + 1);
  }

  private RegistrySummary summaryOf(Region region) {
    return RegistryStore.summarize(store.shardMetadata(hub, region).values());
  }

  private static void print(String what, List<ApiTraffic.Exchange> calls) {
    long sent = calls.stream().mapToLong(ApiTraffic.Exchange::sentBytes).sum();
    long answered = calls.stream().mapToLong(ApiTraffic.Exchange::answerBytes).sum();
    System.out.printf(
        "%s: %d requests, %d B sent, %d B answered%n", what, calls.size(), sent, answered);
  }
}
