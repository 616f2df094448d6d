package dev.iothub.bench;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import dev.iothub.embedded.EmbeddedApiServer;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.operator.broker.PasswordFile;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryMigration;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.ApiTraffic;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Registering (bulk: keys hashed, records written) and migrating 1,000 / 10,000 / 100,000 device
 * records on the embedded API server, and rendering the broker's password file from them. A fresh
 * server per run; medians over the runs. Run with {@code scripts/benchmark.sh registry}.
 */
public final class RegistryBenchmark {
  private RegistryBenchmark() {}

  public static void main(String[] args) {
    try {
      int[] sizes =
          args.length > 0
              ? java.util.Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
              : new int[] {1_000, 10_000, 100_000};
      int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
      System.out.printf(
          "%nRegistry on the embedded API server, %d runs per size after 1 warm-up; medians%n%n",
          runs);
      System.out.println(
          "| devices | register (ms) | register API calls | bytes written | migrate (ms) | migrate API calls | bytes copied | render password file (ms) | migrate, standby current (ms) | API calls | bytes answered | migrate after 1 device change (ms) | API calls | bytes sent + answered |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
      for (int n : sizes) {
        Map<String, List<Long>> m = new TreeMap<>();
        for (int run = 0; run <= runs; run++) {
          Map<String, Long> one = once(n);
          if (run > 0) {
            one.forEach((k, v) -> m.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
          }
        }
        System.out.printf(
            "| %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d |%n",
            n,
            median(m.get("a.registerMs")),
            median(m.get("b.registerCalls")),
            median(m.get("c.registerBytes")),
            median(m.get("d.migrateMs")),
            median(m.get("e.migrateCalls")),
            median(m.get("f.migrateBytes")),
            median(m.get("g.renderMs")),
            median(m.get("h.currentMs")),
            median(m.get("i.currentCalls")),
            median(m.get("j.currentBytes")),
            median(m.get("k.deltaMs")),
            median(m.get("l.deltaCalls")),
            median(m.get("m.deltaBytes")));
      }
      System.exit(0);
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static Map<String, Long> once(int n) {
    RegionCatalog catalog = RegionCatalog.azureDefaults();
    Region west = catalog.find("westus2").orElseThrow();
    Region westCentral = catalog.find("westcentralus").orElseThrow();
    // Counts bytes, and answers PartialObjectMetadata requests as the real API server does.
    ApiTraffic traffic = new ApiTraffic();
    try (EmbeddedApiServer server = EmbeddedApiServer.start(traffic, -1)) {
      server.createNamespaces(List.of(west.namespace(), westCentral.namespace()));
      IoTHub hub = new IoTHub();
      hub.setMetadata(
          new ObjectMetaBuilder()
              .withName("bench-hub")
              .withNamespace("bench")
              .withUid("uid")
              .build());
      IoTHubSpec spec = new IoTHubSpec();
      spec.setLocation("westus2");
      hub.setSpec(spec);
      List<String> keys = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        keys.add(DeviceKeys.newKey());
      }
      RegistryStore store = new RegistryStore(server.client());
      Map<String, Long> r = new TreeMap<>();

      int c0 = server.requestCount();
      long t0 = System.nanoTime();
      String now = Instant.now().toString();
      List<DeviceRecord> records = new ArrayList<>(n);
      java.util.stream.IntStream.range(0, n)
          .parallel()
          .mapToObj(
              i -> new DeviceRecord("device-" + i, true, PasswordHashes.hash(keys.get(i)), now))
          .forEachOrdered(records::add);
      store.write(hub, west, records, Instant.now());
      r.put("a.registerMs", (System.nanoTime() - t0) / 1_000_000);
      r.put("b.registerCalls", (long) (server.requestCount() - c0));
      Map<Integer, Secret> shards = store.shards(hub, west);
      r.put("c.registerBytes", bytes(shards.values()));

      int c1 = server.requestCount();
      long t1 = System.nanoTime();
      new RegistryMigration(server.client())
          .migrate(hub, west, westCentral, Instant.now(), x -> {});
      r.put("d.migrateMs", (System.nanoTime() - t1) / 1_000_000);
      r.put("e.migrateCalls", (long) (server.requestCount() - c1));
      r.put("f.migrateBytes", bytes(store.shards(hub, westCentral).values()));

      // The standby is current (the mirror's work): what a failover's migration costs then.
      traffic.drain();
      long t3 = System.nanoTime();
      new RegistryMigration(server.client())
          .migrate(hub, west, westCentral, Instant.now(), x -> {});
      r.put("h.currentMs", (System.nanoTime() - t3) / 1_000_000);
      List<ApiTraffic.Exchange> current = traffic.drain();
      r.put("i.currentCalls", (long) current.size());
      r.put("j.currentBytes", current.stream().mapToLong(ApiTraffic.Exchange::answerBytes).sum());

      // One device changed since: what the mirror's copy of it costs.
      store.write(
          hub,
          west,
          List.of(
              new DeviceRecord("newcomer", true, PasswordHashes.hash(DeviceKeys.newKey()), now)),
          Instant.now());
      traffic.drain();
      long t4 = System.nanoTime();
      new RegistryMigration(server.client())
          .migrate(hub, west, westCentral, Instant.now(), x -> {});
      r.put("k.deltaMs", (System.nanoTime() - t4) / 1_000_000);
      List<ApiTraffic.Exchange> delta = traffic.drain();
      r.put("l.deltaCalls", (long) delta.size());
      r.put("m.deltaBytes", delta.stream().mapToLong(e -> e.sentBytes() + e.answerBytes()).sum());

      long t2 = System.nanoTime();
      long lines = 0;
      for (Secret shard : shards.values()) {
        lines += PasswordFile.deviceFragment(RegistryStore.records(shard)).length();
      }
      r.put("g.renderMs", (System.nanoTime() - t2) / 1_000_000);
      if (lines == 0) {
        throw new IllegalStateException("no password lines rendered");
      }
      return r;
    }
  }

  private static long bytes(java.util.Collection<Secret> secrets) {
    return secrets.stream()
        .mapToLong(
            s ->
                java.util.Base64.getDecoder()
                    .decode(s.getData().get(RegistryStore.DATA_KEY))
                    .length)
        .sum();
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int k = sorted.size();
    return k % 2 == 1 ? sorted.get(k / 2) : (sorted.get(k / 2 - 1) + sorted.get(k / 2)) / 2;
  }
}
