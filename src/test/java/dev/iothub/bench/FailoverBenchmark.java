package dev.iothub.bench;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.StepTiming;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times a whole failover (request created to request Succeeded) of a hub with N device records on
 * the embedded API server, with a fresh server and operator per run. Run with {@code
 * scripts/benchmark.sh [devices] [runs]}; reports medians, since these machines are noisy. Not a
 * test: nothing here asserts a time.
 */
public final class FailoverBenchmark {
  private FailoverBenchmark() {}

  public static void main(String[] args) {
    BenchmarkMain.exitAfter(FailoverBenchmark::run, args);
  }

  private static void run(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<Long> failoverMillis = new ArrayList<>();
    List<Long> writeMillis = new ArrayList<>();
    List<Long> calls = new ArrayList<>();
    Map<String, List<Long>> steps = new LinkedHashMap<>();
    for (int run = 0; run <= runs; run++) {
      try (OperatorHarness h = OperatorHarness.start()) {
        h.createNamespaces(HubFixtures.NS, "iothub-westus2", "iothub-westcentralus");
        HubFixtures f = new HubFixtures(h);
        IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
        Region west = h.settings().regions().find("westus2").orElseThrow();
        var records = HubFixtures.devices(devices, "device-");
        long w0 = System.nanoTime();
        new RegistryStore(h.client()).write(hub, west, records, h.clock().instant());
        long written = (System.nanoTime() - w0) / 1_000_000;
        f.awaitReady("contoso-hub");
        // The mirror has made the standby current, as it is on a cluster between failovers.
        RegistryStore store = new RegistryStore(h.client());
        Region standby = h.settings().regions().find("westcentralus").orElseThrow();
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(120))
            .until(
                () ->
                    RegistryStore.summarize(store.shardMetadata(hub, standby).values())
                        .checksum()
                        .equals(
                            RegistryStore.summarize(store.shardMetadata(hub, west).values())
                                .checksum()));

        int calls0 = h.server().requestCount();
        long t0 = System.nanoTime();
        f.request("bench", "contoso-hub", "contoso-hub");
        FailoverRequest done = f.awaitPhase("bench", RequestPhase.Succeeded);
        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        int used = h.server().requestCount() - calls0;
        if (done.getStatus().getDevicesMigrated() != devices) {
          throw new IllegalStateException("migrated " + done.getStatus().getDevicesMigrated());
        }
        if (run == 0) {
          continue; // warm-up: class loading and JIT
        }
        failoverMillis.add(elapsed);
        writeMillis.add(written);
        calls.add((long) used);
        OperationRecord record =
            h.hub(HubFixtures.NS, "contoso-hub").getStatus().getHistory().get(0);
        for (StepTiming t : record.getSteps()) {
          steps
              .computeIfAbsent(t.getStep().name(), k -> new ArrayList<>())
              .add(t.getDurationMillis());
        }
      }
    }
    System.out.printf(
        "%nFailover of a hub with %,d device records, the standby current, embedded API server, %d runs (after 1 warm-up)%n%n",
        devices, runs);
    Medians.header();
    Medians.row("failover, request created to Succeeded (ms)", failoverMillis);
    steps.forEach((step, values) -> Medians.row("  step " + step + " (ms)", values));
    Medians.row("API calls seen by the server during the failover", calls);
    Medians.row("bulk write of the records before it (ms)", writeMillis);
  }
}
