package dev.iothub.operator.failover;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.hub.BrokerAuth;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A failover leaves the password fragments of the region it leaves alone: they already match that
 * region's shards, whose records the fence does not change, and its brokers are scaled to 0. With
 * fewer devices than shards the fence creates empty shards; they cost no fragment (an absent
 * fragment and an empty one admit the same devices), in either region.
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
  void aFailoverWritesNoPasswordFragmentOfItsSource() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, WEST, CENTRAL);
    HubFixtures f = new HubFixtures(h);
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    Region west = h.settings().regions().find("westus2").orElseThrow();
    // 5 devices in 32 shards: 27 shards do not exist until the fence creates them.
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
    await().atMost(HubFixtures.WAIT).until(() -> fragmentsWith(WEST, "dev-4:") == 1);
    h.awaitQuiet(Duration.ofSeconds(30));
    Map<String, String> before = fragmentVersions(WEST);
    assertThat(before).hasSizeBetween(3, 7); // TLS, the service users and one per shard used

    f.request("failover", "contoso-hub", "contoso-hub");
    f.awaitPhase("failover", RequestPhase.Succeeded);
    h.awaitQuiet(Duration.ofSeconds(30));

    assertThat(fragmentVersions(WEST)).isEqualTo(before);
    // The target renders every device before its brokers start, and no fragment for empty shards.
    assertThat(fragmentVersions(CENTRAL)).hasSameSizeAs(before);
    for (int i = 0; i < 5; i++) {
      assertThat(fragmentsWith(CENTRAL, "dev-" + i + ":")).as("dev-" + i).isEqualTo(1);
    }

    // Back home: the fragments that stayed still admit every device there.
    h.clock().advance(Duration.ofHours(2));
    f.request("failback", "contoso-hub", "contoso-hub");
    f.awaitPhase("failback", RequestPhase.Succeeded);
    for (int i = 0; i < 5; i++) {
      assertThat(fragmentsWith(WEST, "dev-" + i + ":")).as("dev-" + i).isEqualTo(1);
    }
  }

  private Map<String, String> fragmentVersions(String namespace) {
    Map<String, String> versions = new TreeMap<>();
    h.client()
        .secrets()
        .inNamespace(namespace)
        .withLabel(HubNames.COMPONENT, BrokerAuth.COMPONENT)
        .list()
        .getItems()
        .forEach(
            s -> versions.put(s.getMetadata().getName(), s.getMetadata().getResourceVersion()));
    return versions;
  }

  private long fragmentsWith(String namespace, String line) {
    return h
        .client()
        .secrets()
        .inNamespace(namespace)
        .withLabel(HubNames.COMPONENT, BrokerAuth.COMPONENT)
        .list()
        .getItems()
        .stream()
        .filter(s -> text(s).contains(line))
        .count();
  }

  private static String text(Secret s) {
    StringBuilder all = new StringBuilder();
    if (s.getData() != null) {
      s.getData()
          .values()
          .forEach(
              v -> all.append(new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return all.toString();
  }
}
