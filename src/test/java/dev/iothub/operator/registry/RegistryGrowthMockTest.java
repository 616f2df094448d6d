package dev.iothub.operator.registry;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportPhase;
import dev.iothub.api.v1alpha1.DeviceImportSpec;
import dev.iothub.api.v1alpha1.DeviceSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.operator.broker.PasswordFile;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.region.Region;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry's growth at a scaled-down size: shards limited to 4 KiB (about 30 devices) instead
 * of 900 KiB, so that a few thousand devices take the hub from 2 shards through several online
 * doublings in seconds. Proves what holds at 5,000,000 devices and 900 KiB (see ShardSizingTest):
 * every record in exactly one shard, no shard over its limit, writers wait instead of failing, a
 * split cut short is finished before anything else, and a failover carries the grown registry.
 */
class RegistryGrowthMockTest {
  private static final ShardLimits TINY = ShardLimits.of(4096);

  private OperatorHarness h;
  private HubFixtures f;
  private Region westus2;
  private Region westcentralus;

  private void start(int initialShards) {
    h = OperatorHarness.start(OperatorHarness.testSettings().withShardLimits(TINY));
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    f = new HubFixtures(h);
    f.createReadyHub("fixtures/hub-westus2.yaml", initialShards);
    westus2 = h.settings().regions().find("westus2").orElseThrow();
    westcentralus = h.settings().regions().find("westcentralus").orElseThrow();
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void anImportIntoTwoShardsGrowsTheRegistryOnlineAndEveryRecordLandsOnce() {
    start(2);
    for (int i = 0; i < 3; i++) {
      device("thermostat-" + i);
    }
    Map<String, String> keys = new HashMap<>();
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      String key = DeviceKeys.newKey();
      keys.put("sensor-" + i, key);
      csv.append("sensor-").append(i).append(',').append(key).append('\n');
    }
    importDevices("fleet", csv.toString());

    DeviceImport done = awaitImport("fleet", DeviceImportPhase.Succeeded, Duration.ofSeconds(40));
    assertThat(done.getStatus().getDevicesImported()).isEqualTo(500);
    for (int i = 0; i < 3; i++) {
      awaitDevice("thermostat-" + i, "Registered");
    }
    IoTHub hub = awaitSettled(westus2);
    int shards = hub.getStatus().getRegistry().getShards();
    // 503 devices at about 15 a shard below the threshold: 2 grew to at least 32.
    assertThat(shards).isGreaterThanOrEqualTo(32).isLessThanOrEqualTo(128);
    assertThat(Integer.bitCount(shards)).as("doubled from 2").isEqualTo(1);
    Set<String> ids = assertLaidOut(hub, westus2, shards);
    assertThat(ids).hasSize(503).containsAll(keys.keySet());
    RegistryStore store = new RegistryStore(h.client(), TINY);
    for (String id : List.of("sensor-0", "sensor-277", "sensor-499")) {
      assertThat(PasswordHashes.verify(keys.get(id), store.find(hub, westus2, id).credentialHash()))
          .isTrue();
    }
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> h.hub(NS, "contoso-hub").getStatus().getRegistry().getDevices() == 503);
    // The brokers mount the service lines and every shard of the count the hub reports.
    await()
        .atMost(HubFixtures.WAIT)
        .untilAsserted(() -> assertThat(fragmentSources(westus2)).isEqualTo(shards + 1));
    var events = h.client().v1().events().inNamespace(NS).list().getItems();
    assertThat(events).anyMatch(e -> "RegistryGrown".equals(e.getReason()));
    // The import waited for the growth (it did not fail, nor succeed early), saying so.
    assertThat(events)
        .anyMatch(
            e ->
                "RegistryGrowing".equals(e.getReason())
                    && "fleet".equals(e.getInvolvedObject().getName())
                    && e.getMessage().contains("devices are written. The registry of contoso-hub"));

    // A failover after the growth carries every record, in the same layout.
    f.request("failover", "contoso-hub", "contoso-hub");
    f.awaitPhase("failover", RequestPhase.Succeeded);
    IoTHub after = awaitSettled(westcentralus);
    assertThat(after.getStatus().getRegistry().getShards()).isEqualTo(shards);
    assertThat(assertLaidOut(after, westcentralus, shards)).isEqualTo(ids);
    awaitDevice("thermostat-1", "Registered");
  }

  @Test
  void aSplitCutShortIsFinishedBeforeAFailoverStartsOnIt() {
    start(4);
    IoTHub hub = h.hub(NS, "contoso-hub");
    h.stopOperator();
    RegistryStore store = new RegistryStore(h.client(), TINY);
    List<DeviceRecord> records = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      records.add(
          new DeviceRecord(
              "meter-" + i, true, PasswordHashes.hash("key-" + i), "2026-12-03T13:00:00Z"));
    }
    store.write(hub, westus2, records, h.clock().instant());
    // The operator died in a split to 8: shard 0 split, shard 1 between its two writes (its
    // records moved to shard 5 and still in shard 1), shards 2 and 3 not yet touched.
    RegistryGrowth growth = new RegistryGrowth(h.client(), TINY);
    growth.split(hub, westus2, store.getShard(hub, westus2, 0), 0, 8, h.clock().instant());
    growth.moveOut(hub, westus2, store.getShard(hub, westus2, 1), 1, 8, h.clock().instant());
    assertThat(RegistryStore.countOf(store.getShard(hub, westus2, 1), hub)).isEqualTo(4);
    assertThat(RegistryStore.countOf(store.getShard(hub, westus2, 5), hub)).isEqualTo(8);
    assertThat(RegistryStore.decode(store.getShard(hub, westus2, 5))).isNotEmpty();
    // A failover is asked for while the registry is half split.
    f.request("failover", "contoso-hub", "contoso-hub");

    h.startOperator();
    f.awaitPhase("failover", RequestPhase.Succeeded);
    IoTHub after = awaitSettled(westcentralus);
    int shards = after.getStatus().getRegistry().getShards();
    assertThat(shards).isGreaterThanOrEqualTo(8);
    // Migrated after the split was finished: no record twice, none lost.
    Set<String> ids = assertLaidOut(after, westcentralus, shards);
    assertThat(ids).hasSize(40);
    for (DeviceRecord r : records) {
      assertThat(store.find(after, westcentralus, r.id())).isNotNull();
    }
  }

  @Test
  void shardsOfAnOlderReleaseCountAsTheSpecSaysAndGrowOnceAnnotated() {
    start(2);
    IoTHub hub = h.hub(NS, "contoso-hub");
    h.stopOperator();
    RegistryStore store = new RegistryStore(h.client(), TINY);
    List<DeviceRecord> records = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      records.add(
          new DeviceRecord(
              "old-" + i, true, PasswordHashes.hash("key-" + i), "2026-12-03T13:00:00Z"));
    }
    store.write(hub, westus2, records, h.clock().instant());
    // As an older release wrote them: no count, no fill.
    for (Secret s : store.shards(hub, westus2).values()) {
      s.getMetadata().getAnnotations().remove(RegistryStore.SHARDS);
      s.getMetadata().getAnnotations().remove(RegistryStore.FILL);
      h.client().resource(s).update();
    }

    h.startOperator();
    // 18 devices a shard are over half of 4 KiB: once it knows, the hub grows past its 2.
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> h.hub(NS, "contoso-hub").getStatus().getRegistry().getShards() >= 4);
    IoTHub after = awaitSettled(westus2);
    int shards = after.getStatus().getRegistry().getShards();
    assertThat(assertLaidOut(after, westus2, shards)).hasSize(36);
    assertThat(store.shards(after, westus2).values())
        .allMatch(s -> s.getMetadata().getAnnotations().containsKey(RegistryStore.FILL));
  }

  @Test
  void theCountFollowsTheRegionNotAStaleViewOfIt() {
    start(4);
    IoTHub hub = h.hub(NS, "contoso-hub");
    h.stopOperator();
    RegistryStore store = new RegistryStore(h.client(), TINY);
    store.write(hub, westus2, HubFixtures.devices(8, "x-"), h.clock().instant());
    List<Secret> at4 = new ArrayList<>(store.shards(hub, westus2).values());
    RegistryGrowth growth = new RegistryGrowth(h.client(), TINY);
    IoTHub reports8 = RegistryGrowth.withCount(hub, 8);

    // The hub reports 8, the region holds 4 (a failover onto an older copy): the region wins.
    assertThat(growth.step(reports8, westus2, at4, h.clock().instant()))
        .isEqualTo(new RegistryGrowth.Result(4, false));
    // The region was split to 8 and the informer has not seen it yet: the report holds, and
    // nothing is split again.
    growth.finish(hub, westus2, 8, h.clock().instant());
    assertThat(growth.step(reports8, westus2, at4, h.clock().instant()))
        .isEqualTo(new RegistryGrowth.Result(8, false));
  }

  @Test
  void aWriterThatReadAShardOfAnotherCountWritesNothing() {
    start(2);
    IoTHub hub = h.hub(NS, "contoso-hub");
    h.stopOperator();
    RegistryStore store = new RegistryStore(h.client(), TINY);
    store.write(hub, westus2, HubFixtures.devices(6, "old-"), h.clock().instant());
    new RegistryGrowth(h.client(), TINY).finish(hub, westus2, 4, h.clock().instant());
    // The hub as a writer read it before the split: 2 shards.
    DeviceRecord late = HubFixtures.devices(1, "late-").get(0);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> store.write(hub, westus2, List.of(late), h.clock().instant()))
        .isInstanceOf(RegistryGrowingException.class)
        .hasMessageContaining("is growing to 4 shards");
    assertThat(store.find(RegistryGrowth.withCount(hub, 4), westus2, late.id())).isNull();
  }

  /**
   * Every shard of the region at {@code shards}, no fence, each record in the shard its id maps to
   * and in no other, each shard and its password lines under the limit. Returns the ids.
   */
  private Set<String> assertLaidOut(IoTHub hub, Region region, int shards) {
    Map<Integer, Secret> all = new RegistryStore(h.client(), TINY).shards(hub, region);
    Set<String> ids = new HashSet<>();
    long total = 0;
    for (Map.Entry<Integer, Secret> e : all.entrySet()) {
      Secret s = e.getValue();
      assertThat(RegistryStore.countOf(s, hub)).as("shard %d", e.getKey()).isEqualTo(shards);
      assertThat(RegistryStore.isFrozen(s)).as("shard %d frozen", e.getKey()).isFalse();
      byte[] data = Base64.getDecoder().decode(s.getData().get(RegistryStore.DATA_KEY));
      assertThat(data.length).isLessThanOrEqualTo(TINY.recordBytes());
      List<DeviceRecord> records = RegistryStore.decode(s);
      assertThat(PasswordFile.deviceFragment(records).getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(TINY.fragmentBytes());
      for (DeviceRecord r : records) {
        assertThat(RegistryShard.indexOf(r.id(), shards)).isEqualTo(e.getKey());
        assertThat(ids.add(r.id())).as("%s in one shard only", r.id()).isTrue();
        total++;
      }
    }
    assertThat(total).isEqualTo(ids.size());
    return ids;
  }

  /** The hub once its status reports the region's count and no shard is fenced any more. */
  private IoTHub awaitSettled(Region region) {
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> {
              IoTHub hub = h.hub(NS, "contoso-hub");
              if (hub.getStatus() == null
                  || hub.getStatus().getOperation() != null
                  || hub.getStatus().getRegistry() == null
                  || hub.getStatus().getRegistry().getShards() == null) {
                return false;
              }
              int count = hub.getStatus().getRegistry().getShards();
              return new RegistryStore(h.client())
                  .shards(hub, region).values().stream()
                      .allMatch(
                          s ->
                              RegistryStore.countOf(s, hub) == count && !RegistryStore.isFrozen(s));
            });
    return h.hub(NS, "contoso-hub");
  }

  private long fragmentSources(Region region) {
    Deployment d =
        h.client()
            .apps()
            .deployments()
            .inNamespace(region.namespace())
            .withName(HubNames.broker(h.hub(NS, "contoso-hub")))
            .get();
    return d.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getProjected() != null)
        .map(Volume::getProjected)
        .mapToLong(p -> p.getSources().size())
        .max()
        .orElse(0);
  }

  private void device(String name) {
    Device device = new Device();
    device.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    DeviceSpec spec = new DeviceSpec();
    spec.setHubName("contoso-hub");
    device.setSpec(spec);
    h.client().resource(device).create();
  }

  private void awaitDevice(String name, String reason) {
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> {
              Device d = h.client().resources(Device.class).inNamespace(NS).withName(name).get();
              return d != null && d.getStatus() != null && reason.equals(d.getStatus().getReason());
            });
  }

  private void importDevices(String name, String csv) {
    h.client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name + "-0")
                .withNamespace(NS)
                .endMetadata()
                .withData(
                    Map.of(
                        DeviceImportSpec.RECORDS_KEY,
                        Base64.getEncoder().encodeToString(DeviceImportFile.compress(csv))))
                .build())
        .create();
    DeviceImport job = new DeviceImport();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    DeviceImportSpec spec = new DeviceImportSpec();
    spec.setHubName("contoso-hub");
    spec.setSecretNames(List.of(name + "-0"));
    job.setSpec(spec);
    h.client().resource(job).create();
  }

  private DeviceImport awaitImport(String name, DeviceImportPhase phase, Duration within) {
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
