package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import dev.iothub.api.v1alpha1.RegistrySpec;
import dev.iothub.operator.objects.Parallel;
import dev.iothub.operator.objects.SecretMetadata;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryMigration;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.HubFixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a real API server: shard metadata comes as PartialObjectMetadata (no data) over paged LISTs,
 * and a migration to a current standby reads no shard while one changed shard is all a change
 * copies.
 */
class RegistryStreamKubeIT {
  static final String WEST = "stream-westus2";
  static final String CENTRAL = "stream-westcentralus";
  static final String SCRATCH = "stream-scratch";
  static final Duration WAIT = Duration.ofSeconds(90);
  static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

  static RealCluster cluster;
  static KubernetesClient client;
  static IoTHub hub;
  static final Region west =
      new Region("westus2", "West US 2", java.util.Optional.of("westcentralus"), WEST);
  static final Region central =
      new Region("westcentralus", "West Central US", java.util.Optional.of("westus2"), CENTRAL);

  @BeforeAll
  static void start() {
    cluster = RealCluster.get();
    cluster.createNamespaces(WEST, CENTRAL, SCRATCH);
    client = cluster.admin();
    hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder()
            .withName("stream-hub")
            .withNamespace("stream")
            .withUid("uid-stream")
            .build());
    IoTHubSpec spec = new IoTHubSpec();
    spec.setLocation("westus2");
    // More shards than the first page holds, so that paging is exercised.
    RegistrySpec registry = new RegistrySpec();
    registry.setShards(32);
    spec.setRegistry(registry);
    hub.setSpec(spec);
    new RegistryStore(client).write(hub, west, HubFixtures.devices(20_000, "device-"), NOW);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.deleteNamespaces(WAIT, WEST, CENTRAL, SCRATCH);
    }
  }

  @Test
  void migrationFenceAndMetadataOnTheRealServer() {
    RegistryStore store = new RegistryStore(client);
    int shards = RegistryStore.shardCount(hub);

    // Paged (8, then 250 a page) and without data: every shard, none with its records.
    Map<Integer, Secret> metadata = store.shardMetadata(hub, west);
    assertThat(metadata).hasSize(shards);
    assertThat(metadata.values())
        .allSatisfy(s -> assertThat(s.getData() == null || s.getData().isEmpty()).isTrue())
        .allSatisfy(s -> assertThat(s.getMetadata().getResourceVersion()).isNotBlank());

    RegistryMigration migration = new RegistryMigration(client);
    long t0 = System.nanoTime();
    RegistryMigration.MigrationResult cold = migration.migrate(hub, west, central, NOW, n -> {});
    long coldMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(cold.copiedShards()).isEqualTo(shards);
    assertThat(cold.devices()).isEqualTo(20_000);

    t0 = System.nanoTime();
    RegistryMigration.MigrationResult current = migration.migrate(hub, west, central, NOW, n -> {});
    long currentMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(current.copiedShards()).isZero();
    assertThat(current.checksum()).isEqualTo(cold.checksum());

    store.write(hub, west, HubFixtures.devices(1, "newcomer-"), NOW);
    assertThat(migration.migrate(hub, west, central, NOW, n -> {}).copiedShards()).isEqualTo(1);
    System.out.printf(
        "real server, %d shards of 20,000 devices: cold migration %d ms, current standby %d ms%n",
        shards, coldMs, currentMs);
  }

  /**
   * How much a few concurrent patches gain over one at a time, at a 1M-device hub's ~120 shards.
   */
  @Test
  void patchingAHundredTwentySecretsFourAtATime() {
    int count = 120;
    for (int i = 0; i < count; i++) {
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("s-" + i)
                  .withNamespace(SCRATCH)
                  .addToLabels("app", "scratch")
                  .endMetadata()
                  .withData(Map.of("k", "aGVsbG8="))
                  .build())
          .create();
    }
    Map<Integer, Long> millis = new java.util.TreeMap<>();
    for (int parallelism : new int[] {1, 4, 8, 1, 4, 8}) {
      List<Callable<Secret>> patches = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = "s-" + i;
        String patch =
            "{\"metadata\":{\"annotations\":{\"n\":\""
                + parallelism
                + "-"
                + System.nanoTime()
                + "\"}}}";
        patches.add(() -> SecretMetadata.patch(client, SCRATCH, name, patch));
      }
      long t0 = System.nanoTime();
      List<Secret> patched = Parallel.run(patches, parallelism);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      millis.merge(parallelism, ms, Math::min);
      assertThat(patched).hasSize(count);
    }
    System.out.printf("real server, %d merge patches: best ms by parallelism %s%n", count, millis);
    assertThat(SecretMetadata.list(client, SCRATCH, "app=scratch")).hasSize(count);
    assertThat(client.secrets().inNamespace(SCRATCH).withName("s-5").get().getData())
        .containsEntry("k", "aGVsbG8=");
  }
}
