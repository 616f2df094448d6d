package dev.iothub.bench;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.Conditions;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Many hubs in one operator on the embedded API server: {@code hubs} hubs of {@code devices} device
 * records each. Measures the time until all are Ready and their standby copies written, the heap
 * (the operator's share: the process's heap after GC with the operator running minus the same after
 * it stopped, since the API server's store shares the process), idle API requests per minute once
 * settled, and the failover of one hub while the others idle (median of {@code runs}, each another
 * hub). Run with {@code scripts/benchmark.sh hubs [hubs=1000] [devices=100] [idleSeconds=120]
 * [runs=3]}. Not a test: nothing here asserts a figure.
 */
public final class ManyHubsBenchmark {
  private static final String NS = HubFixtures.NS;

  private ManyHubsBenchmark() {}

  public static void main(String[] args) {
    BenchmarkMain.exitAfter(ManyHubsBenchmark::run, args);
  }

  private static void run(String[] args) throws Exception {
    int hubs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int devices = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 120;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    try (OperatorHarness h = OperatorHarness.start()) {
      h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
      ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);

      long t0 = System.nanoTime();
      for (int i = 0; i < hubs; i++) {
        IoTHub hub = h.load("fixtures/hub-westus2.yaml", IoTHub.class);
        hub.getMetadata().setName(name(i));
        h.client().resource(hub).create();
      }
      long created = millisSince(t0);
      awaitAll(h, hubs, ManyHubsBenchmark::ready, 1_800);
      long allReady = millisSince(t0);

      Region west = h.settings().regions().find("westus2").orElseThrow();
      RegistryStore store = new RegistryStore(h.client());
      long t1 = System.nanoTime();
      // Four hubs at a time: the test client's writes (and key hashing) are not what is measured.
      List<java.util.concurrent.Callable<Void>> writes = new ArrayList<>();
      for (int i = 0; i < hubs; i++) {
        int hub = i;
        writes.add(
            () -> {
              store.write(
                  h.hub(NS, name(hub)),
                  west,
                  HubFixtures.devices(devices, "h" + hub + "-d"),
                  h.clock().instant());
              return null;
            });
      }
      dev.iothub.operator.objects.Parallel.run(writes, 4);
      long written = millisSince(t1);
      awaitAll(
          h,
          hubs,
          hub ->
              ready(hub)
                  && hub.getStatus().getRegistry() != null
                  && Long.valueOf(devices).equals(hub.getStatus().getRegistry().getDevices())
                  && hub.getStatus().getRegistry().getStandbySyncedAt() != null,
          1_800);
      long mirrored = millisSince(t1);
      awaitQuiet(h, 5);

      long heapWithOperator = heapAfterGc();
      h.server().drainRequests();
      long i0 = System.nanoTime();
      Thread.sleep(idleSeconds * 1_000L);
      List<String> idle = h.server().drainRequests();
      double minutes = (System.nanoTime() - i0) / 60e9;
      long idleWrites = idle.stream().filter(r -> !r.startsWith("GET ")).count();

      List<Long> failovers = new ArrayList<>();
      List<Long> calls = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        String hub = name(run);
        int c0 = h.server().requestCount();
        long f0 = System.nanoTime();
        request(h, "bench-" + run, hub);
        awaitPhase(h, "bench-" + run, RequestPhase.Succeeded);
        failovers.add(millisSince(f0));
        calls.add((long) (h.server().requestCount() - c0));
      }
      long peak =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .mapToLong(p -> p.getPeakUsage().getUsed())
              .sum();
      h.stopOperator();
      long heapWithoutOperator = heapAfterGc();

      System.out.printf(
          "%n%,d hubs of %,d device records in one operator, embedded API server%n%n",
          hubs, devices);
      System.out.println("| measure | value |");
      System.out.println("|---|---|");
      row("hubs created (ms)", created);
      row("created to all Ready (ms)", allReady);
      row("registry records written, all hubs (ms)", written);
      row("written to all standby copies reported (ms)", mirrored);
      row("heap after GC, operator's share (MiB)", (heapWithOperator - heapWithoutOperator) >> 20);
      row("heap after GC, whole process with the API server (MiB)", heapWithOperator >> 20);
      row("heap peak, whole process (MiB)", peak >> 20);
      System.out.printf(
          "| idle API requests per minute (over %d s) | %,.0f |%n",
          idleSeconds, idle.size() / minutes);
      System.out.printf(
          "| idle API writes per minute (over %d s) | %,.0f |%n",
          idleSeconds, idleWrites / minutes);
      System.out.println();
      Medians.header();
      Medians.row("failover of one hub while the others idle (ms)", failovers);
      Medians.row("API calls during it", calls);
    }
  }

  private static String name(int i) {
    return String.format("hub-%04d", i);
  }

  private static boolean ready(IoTHub hub) {
    return hub.getStatus() != null
        && hub.getStatus().getOperation() == null
        && Conditions.isTrue(hub.getStatus().getConditions(), "Ready");
  }

  private static void awaitAll(
      OperatorHarness h, int hubs, Predicate<IoTHub> done, int timeoutSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (true) {
      long count =
          h.client().resources(IoTHub.class).inNamespace(NS).list().getItems().stream()
              .filter(done)
              .count();
      if (count == hubs) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(count + " of " + hubs + " hubs done in time");
      }
      Thread.sleep(500);
    }
  }

  /** Waits until the API server answered nothing for {@code seconds} in a row. */
  private static void awaitQuiet(OperatorHarness h, int seconds) throws InterruptedException {
    int last = -1;
    int quiet = 0;
    while (quiet < seconds) {
      Thread.sleep(1_000);
      int now = h.server().requestCount();
      quiet = now == last ? quiet + 1 : 0;
      last = now;
    }
  }

  private static void request(OperatorHarness h, String name, String hub) {
    FailoverRequest request = new FailoverRequest();
    request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    FailoverRequestSpec spec = new FailoverRequestSpec();
    spec.setHubName(hub);
    spec.setConfirmHubName(hub);
    request.setSpec(spec);
    h.client().resource(request).create();
  }

  private static void awaitPhase(OperatorHarness h, String name, RequestPhase phase)
      throws InterruptedException {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (System.nanoTime() < deadline) {
      FailoverRequest r =
          h.client().resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
      if (r != null && r.getStatus() != null && r.getStatus().getPhase() == phase) {
        return;
      }
      if (r != null && r.getStatus() != null && r.getStatus().getPhase().isTerminal()) {
        throw new IllegalStateException(name + " ended " + r.getStatus().getPhase());
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(name + " not " + phase + " in time");
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static void row(String name, long value) {
    System.out.printf("| %s | %,d |%n", name, value);
  }
}
