package dev.iothub.operator.failover;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.broker.PasswordFile;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A failover writes no Secret of the region it leaves: the writers' fence lives in the operator,
 * the brokers read their devices from the registry shards the source keeps as they are, and its
 * brokers are scaled to 0. The target's brokers find every device in the shards copied there.
 */
class FailoverSourceWritesMockTest {
  private static final String WEST = "iothub-westus2";
  private static final String CENTRAL = "iothub-westcentralus";
  private OperatorHarness h;

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void aFailoverWritesNoSecretOfItsSource() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, WEST, CENTRAL);
    HubFixtures f = new HubFixtures(h);
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    Region west = h.settings().regions().find("westus2").orElseThrow();
    // 5 devices in the default 4 shards.
    new RegistryStore(h.client())
        .write(
            hub,
            west,
            java.util.stream.IntStream.range(0, 5)
                .mapToObj(
                    i ->
                        new DeviceRecord(
                            "dev-" + i,
                            true,
                            PasswordHashes.hash("key-" + i),
                            "2026-11-26T00:00:00Z"))
                .toList(),
            h.clock().instant());
    await().atMost(HubFixtures.WAIT).until(() -> shardsWith(CENTRAL, "dev-4:") == 1);
    h.awaitQuiet(Duration.ofSeconds(30));
    Map<String, String> before = secretVersions(WEST);
    // TLS, the service users and one shard per device at most: no per-shard password fragment.
    assertThat(before).hasSizeBetween(3, 7);

    f.request("failover", "contoso-hub", "contoso-hub");
    f.awaitPhase("failover", RequestPhase.Succeeded);
    h.awaitQuiet(Duration.ofSeconds(30));

    assertThat(secretVersions(WEST)).isEqualTo(before);
    assertThat(secretVersions(CENTRAL)).hasSameSizeAs(before);
    for (int i = 0; i < 5; i++) {
      assertThat(shardsWith(CENTRAL, "dev-" + i + ":")).as("dev-" + i).isEqualTo(1);
    }

    // Back home: the shards that stayed still admit every device there.
    h.clock().advance(Duration.ofHours(2));
    f.request("failback", "contoso-hub", "contoso-hub");
    f.awaitPhase("failback", RequestPhase.Succeeded);
    for (int i = 0; i < 5; i++) {
      assertThat(shardsWith(WEST, "dev-" + i + ":")).as("dev-" + i).isEqualTo(1);
    }
  }

  /** Every Secret the operator keeps in the region namespace, by name, at its resourceVersion. */
  private Map<String, String> secretVersions(String namespace) {
    Map<String, String> versions = new TreeMap<>();
    h.client()
        .secrets()
        .inNamespace(namespace)
        .withLabel(HubNames.REGION_SECRET, "true")
        .list()
        .getItems()
        .forEach(
            s -> versions.put(s.getMetadata().getName(), s.getMetadata().getResourceVersion()));
    return versions;
  }

  /** Registry shards whose password lines (as the broker pod reads them) hold {@code line}. */
  private long shardsWith(String namespace, String line) {
    return h
        .client()
        .secrets()
        .inNamespace(namespace)
        .withLabel(HubNames.COMPONENT, RegistryStore.COMPONENT)
        .list()
        .getItems()
        .stream()
        .filter(s -> PasswordFile.deviceFragment(RegistryStore.records(s)).contains(line))
        .count();
  }
}
