package dev.iothub.operator.registry;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportPhase;
import dev.iothub.api.v1alpha1.DeviceImportReason;
import dev.iothub.api.v1alpha1.DeviceImportSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.region.Region;
import dev.iothub.testing.GzipBomb;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceImportMockTest {
  private static final int IMPORT_SHARDS = 32;
  private OperatorHarness h;
  private IoTHub hub;
  private Region westus2;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    // Shards enough that these imports need no growth: the embedded API server's watch does not
    // wake the hub for a shard of tens of KiB (after 25,000 devices into 32 shards of about 80 KB,
    // its status stayed as it was), so it would never split them. Growth during an import is
    // proven in RegistryGrowthMockTest (small shards) and on the real API server (ScaleBenchmark).
    hub = new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml", IMPORT_SHARDS);
    westus2 = h.settings().regions().find("westus2").orElseThrow();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void importsAHundredThousandDevicesFromChunkedSecretsInOShardsWrites() {
    List<String> keys = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    StringBuilder chunk = new StringBuilder("# deviceId,primaryKey,enabled\n");
    for (int i = 0; i < 100_000; i++) {
      String key = DeviceKeys.newKey();
      keys.add(key);
      chunk
          .append("sensor-")
          .append(i)
          .append(',')
          .append(key)
          .append(i % 50 == 0 ? ",false" : "")
          .append('\n');
      if ((i + 1) % 25_000 == 0) {
        secrets.add(chunkSecret("fleet-" + secrets.size(), chunk.toString()));
        chunk.setLength(0);
      }
    }
    int callsBefore = h.server().requestCount();
    create("fleet", secrets);

    DeviceImport done = awaitPhase("fleet", DeviceImportPhase.Succeeded, Duration.ofSeconds(60));
    assertThat(done.getStatus().getDevicesImported()).isEqualTo(100_000);
    RegistryStore store = new RegistryStore(h.client());
    assertThat(
            PasswordHashes.verify(
                keys.get(4242), store.find(hub, westus2, "sensor-4242").credentialHash()))
        .isTrue();
    assertThat(store.find(hub, westus2, "sensor-50").enabled()).isFalse();
    assertThat(RegistryStore.summarize(store.shards(hub, westus2).values()).devices())
        .isEqualTo(100_000);
    // Not one call per device: the import, its shards, and what the operator does around it.
    assertThat(h.server().requestCount() - callsBefore).isLessThan(2_000);
  }

  @Test
  void importsCreatedTogetherRunOneAtATimeAndAllSucceed() {
    Set<String> reasons = ConcurrentHashMap.newKeySet();
    try (Watch watch =
        h.client()
            .resources(DeviceImport.class)
            .inNamespace(NS)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, DeviceImport i) {
                    if (i.getStatus() != null && i.getStatus().getReason() != null) {
                      reasons.add(i.getStatus().getReason());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      for (int n = 0; n < 4; n++) {
        StringBuilder csv = new StringBuilder("# deviceId,primaryKey\n");
        for (int i = 0; i < 15_000; i++) {
          csv.append("batch-").append(n).append('-').append(i).append(',');
          csv.append(DeviceKeys.newKey()).append('\n');
        }
        create("batch-" + n, List.of(chunkSecret("batch-" + n, csv.toString())));
      }
      for (int n = 0; n < 4; n++) {
        assertThat(
                awaitPhase("batch-" + n, DeviceImportPhase.Succeeded, Duration.ofSeconds(90))
                    .getStatus()
                    .getDevicesImported())
            .isEqualTo(15_000);
      }
    }
    assertThat(reasons).contains(DeviceImportReason.WaitingForImport.name());
    RegistryStore store = new RegistryStore(h.client());
    assertThat(store.find(hub, westus2, "batch-3-14999")).isNotNull();
  }

  @Test
  void aFileWithABadLineImportsNothing() {
    String csv =
        "ok-1,key-1\nbad id!,key-2\nok-3,\nok-1,key-4\niothub-probe,key-5\nsecret-key:x,ok-6\n";
    create("broken", List.of(chunkSecret("broken-0", csv)));

    DeviceImport failed = awaitPhase("broken", DeviceImportPhase.Failed, HubFixtures.WAIT);
    assertThat(failed.getStatus().getReason()).isEqualTo("InvalidRecords");
    assertThat(failed.getStatus().getMessage())
        .contains(
            "line 2: the device id has a character the broker cannot hold",
            "line 3: the key is empty",
            "line 4: the device id appears twice (first on line 1)",
            "line 5: the device id is the name of one of the operator's own broker users");
    // Line number and problem only: nothing of a line is echoed (a key may stand where the id
    // should).
    assertThat(failed.getStatus().getMessage())
        .doesNotContain("bad id!", "ok-1", "iothub-probe,", "secret-key", "key-4");
    assertThat(new RegistryStore(h.client()).find(hub, westus2, "ok-1")).isNull();
  }

  @Test
  void aGzipBombIsRefusedQuicklyAndTheOperatorKeepsServing() {
    // ~640 KB of gzip that inflates to 640 MiB: more than the chart's 512 MiB heap.
    byte[] bomb = GzipBomb.of(10);
    secret("bomb-0", bomb);
    long started = System.nanoTime();
    create("bomb", List.of("bomb-0"));

    DeviceImport refused = awaitPhase("bomb", DeviceImportPhase.Failed, HubFixtures.WAIT);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    assertThat(refused.getStatus().getReason()).isEqualTo("ImportTooLarge");
    assertThat(refused.getStatus().getMessage())
        .startsWith(
            "Nothing was imported: Secret bomb-0 inflates to more than 16777216 bytes"
                + " (iothub.device-import.max-secret-bytes).")
        .contains("Split the devices into several Secrets");
    assertThat(refused.getStatus().getDevicesImported()).isZero();

    // The operator goes on: another hub comes up, a good import of this hub runs.
    h.createNamespaces("iothub-westus3", "iothub-eastus");
    new HubFixtures(h).createReadyHub("fixtures/hub-westus3.yaml");
    create("after-bomb", List.of(chunkSecret("after-bomb-0", "after-1,key-1\n")));
    awaitPhase("after-bomb", DeviceImportPhase.Succeeded, HubFixtures.WAIT);
    assertThat(new RegistryStore(h.client()).find(hub, westus2, "after-1")).isNotNull();
    // Final: never tried again (its status would move on, and its Event be recorded again).
    assertThat(get("bomb").getStatus()).usingRecursiveComparison().isEqualTo(refused.getStatus());
  }

  @Test
  void recordsExactlyAtTheLimitAreImportedOneMoreIsRefused() {
    h.close();
    h =
        OperatorHarness.start(
            OperatorHarness.testSettings()
                .withImportLimits(new DeviceImportFile.Limits(1024, 10, 3, 4096)));
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    hub = new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml", IMPORT_SHARDS);

    create(
        "three",
        List.of(chunkSecret("three-0", "a-1,k1\na-2,k2\n"), chunkSecret("three-1", "a-3,k3\n")));
    create(
        "four",
        List.of(
            chunkSecret("four-0", "b-1,k1\nb-2,k2\n"), chunkSecret("four-1", "b-3,k3\nb-4,k4\n")));

    assertThat(
            awaitPhase("three", DeviceImportPhase.Succeeded, HubFixtures.WAIT)
                .getStatus()
                .getDevicesImported())
        .isEqualTo(3);
    DeviceImport four = awaitPhase("four", DeviceImportPhase.Failed, HubFixtures.WAIT);
    assertThat(four.getStatus().getReason()).isEqualTo("ImportTooLarge");
    assertThat(four.getStatus().getMessage())
        .contains("the import has more than 3 records (iothub.device-import.max-records)");
    assertThat(new RegistryStore(h.client()).find(hub, westus2, "b-1"))
        .as("nothing half-applied")
        .isNull();
  }

  @Test
  void dataThatIsNotGzipIsRefusedNotRetried() {
    secret("plain-0", "c-1,k1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    create("plain", List.of("plain-0"));
    DeviceImport failed = awaitPhase("plain", DeviceImportPhase.Failed, HubFixtures.WAIT);
    assertThat(failed.getStatus().getReason()).isEqualTo("InvalidRecords");
    assertThat(failed.getStatus().getMessage()).contains("Secret plain-0", "gzip");
  }

  @Test
  void aMissingSecretIsNamed() {
    create("nowhere", List.of("no-such-secret"));
    DeviceImport failed = awaitPhase("nowhere", DeviceImportPhase.Failed, HubFixtures.WAIT);
    assertThat(failed.getStatus().getReason()).isEqualTo("SecretNotFound");
    assertThat(failed.getStatus().getMessage())
        .startsWith("Secret no-such-secret in namespace manlfailrg does not exist");
  }

  private String chunkSecret(String name, String csv) {
    return secret(name, DeviceImportFile.compress(csv));
  }

  private String secret(String name, byte[] data) {
    h.client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withData(
                    Map.of(DeviceImportSpec.RECORDS_KEY, Base64.getEncoder().encodeToString(data)))
                .build())
        .create();
    return name;
  }

  private void create(String name, List<String> secrets) {
    DeviceImport job = new DeviceImport();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    DeviceImportSpec spec = new DeviceImportSpec();
    spec.setHubName("contoso-hub");
    spec.setSecretNames(secrets);
    job.setSpec(spec);
    h.client().resource(job).create();
  }

  private DeviceImport get(String name) {
    return h.client().resources(DeviceImport.class).inNamespace(NS).withName(name).get();
  }

  private DeviceImport awaitPhase(String name, DeviceImportPhase phase, Duration within) {
    await()
        .atMost(within)
        .until(
            () -> {
              DeviceImport d =
                  h.client().resources(DeviceImport.class).inNamespace(NS).withName(name).get();
              return d != null && d.getStatus() != null && phase == d.getStatus().getPhase();
            });
    return h.client().resources(DeviceImport.class).inNamespace(NS).withName(name).get();
  }
}
