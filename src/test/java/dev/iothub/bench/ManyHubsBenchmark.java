package dev.iothub.bench;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.objects.Parallel;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.Conditions;
import dev.iothub.testing.HubFixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Many hubs in one operator: {@code hubs} hubs of {@code devices} device records each, on a real
 * kube-apiserver (the operator jar in its own process, {@code -Xmx512m}, the kubelet simulated) or
 * the embedded API server ({@link ScaleTarget}). Measures the time until all are Ready and their
 * standby copies written, the operator's heap (peak, and after a full GC once settled), idle API
 * requests and writes per minute once settled (lease renewals left out: the control plane's own),
 * and the failover of one hub while the others idle (median of {@code runs}, each another hub). Run
 * with {@code scripts/benchmark.sh hubs kube|mock [hubs=1000] [devices=100] [idleSeconds=120]
 * [runs=3]}. Not a test: nothing here asserts a figure.
 */
public final class ManyHubsBenchmark {
  private static final String NS = ScaleTarget.NS;
  private static final int TIMEOUT_SECONDS = 3_600;

  private final ScaleTarget target;
  private final KubernetesClient client;

  private ManyHubsBenchmark(ScaleTarget target) {
    this.target = target;
    this.client = target.client();
  }

  public static void main(String[] args) {
    BenchmarkMain.exitAfter(ManyHubsBenchmark::run, args);
  }

  private static void run(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "kube";
    int hubs = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int devices = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int idleSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 120;
    int runs = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    try (ScaleTarget target = ScaleTarget.of(kind)) {
      new ManyHubsBenchmark(target).measure(hubs, devices, idleSeconds, runs);
    }
  }

  private void measure(int hubs, int devices, int idleSeconds, int runs) throws Exception {
    HeapSampler heap = new HeapSampler(target.operatorPid());
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < hubs; i++) {
        client.resource(hub(name(i))).create();
      }
      long created = millisSince(t0);
      progress("created " + hubs + " hubs");
      awaitAll(hubs, ManyHubsBenchmark::ready);
      long allReady = millisSince(t0);
      progress("all Ready");

      Region west = ScaleTarget.west(target);
      RegistryStore store = new RegistryStore(client);
      long t1 = System.nanoTime();
      // Four hubs at a time: the benchmark's own writes (and key hashing) are not what is measured.
      List<Callable<Void>> writes = new ArrayList<>();
      for (int i = 0; i < hubs; i++) {
        String hub = name(i);
        String prefix = "h" + i + "-d";
        writes.add(
            () -> {
              store.write(
                  client.resources(IoTHub.class).inNamespace(NS).withName(hub).get(),
                  west,
                  HubFixtures.devices(devices, prefix),
                  Instant.now());
              return null;
            });
      }
      Parallel.run(writes, 4);
      long written = millisSince(t1);
      progress("records written");
      awaitAll(
          hubs,
          hub ->
              ready(hub)
                  && hub.getStatus().getRegistry() != null
                  && Long.valueOf(devices).equals(hub.getStatus().getRegistry().getDevices())
                  && hub.getStatus().getRegistry().getStandbySyncedAt() != null);
      long mirrored = millisSince(t1);
      progress("standby copies reported");
      long settlePeak = heap.peakMiB();
      awaitQuiet(10);

      long heapAfterGc = target.heapAfterGcMiB();
      ScaleTarget.Requests i0 = target.requestsBesidesLeases();
      long idleFrom = System.nanoTime();
      Thread.sleep(idleSeconds * 1_000L);
      ScaleTarget.Requests idle = target.requestsBesidesLeases().minus(i0);
      double minutes = (System.nanoTime() - idleFrom) / 60e9;
      progress("idle measured");

      List<Long> failovers = new ArrayList<>();
      List<Long> calls = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        String hub = name(run);
        target.beforeOperation();
        long c0 = target.apiRequests();
        long f0 = System.nanoTime();
        request("bench-" + run, hub);
        awaitPhase("bench-" + run, RequestPhase.Succeeded);
        failovers.add(millisSince(f0));
        calls.add(target.apiRequests() - c0);
        // The operator's minimum interval between operations is not what is measured.
        Thread.sleep(1_100);
      }
      long peak = heap.peakMiB();

      System.out.printf(
          "%n%,d hubs of %,d device records in one operator, %s%n%n",
          hubs, devices, target.description());
      System.out.println("| measure | value |");
      System.out.println("|---|---|");
      row("hubs created (ms)", created);
      row("created to all Ready (ms)", allReady);
      row("registry records written, all hubs (ms)", written);
      row("written to all standby copies reported (ms)", mirrored);
      row("operator heap peak until settled (MiB)", settlePeak);
      row("operator heap peak, whole run (MiB)", peak);
      row("operator heap after a full GC, settled (MiB)", heapAfterGc);
      System.out.printf(
          "| idle API requests per minute, leases aside (over %d s) | %,.0f |%n",
          idleSeconds, idle.all() / minutes);
      System.out.printf(
          "| idle API writes per minute, leases aside (over %d s) | %,.0f |%n",
          idleSeconds, idle.writes() / minutes);
      System.out.println();
      Medians.header();
      Medians.row("failover of one hub while the others idle (ms)", failovers);
      Medians.row("API calls during it (all clients)", calls);
      deleteHubs(hubs);
    } finally {
      heap.close();
    }
  }

  private static IoTHub hub(String name) {
    IoTHub hub = new IoTHub();
    hub.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    IoTHubSpec spec = new IoTHubSpec();
    spec.setLocation("westus2");
    hub.setSpec(spec);
    return hub;
  }

  private static String name(int i) {
    return String.format("hub-%04d", i);
  }

  private static boolean ready(IoTHub hub) {
    return hub.getStatus() != null
        && hub.getStatus().getOperation() == null
        && Conditions.isTrue(hub.getStatus().getConditions(), "Ready");
  }

  private static void progress(String message) {
    System.out.printf("[%s] %s%n", java.time.LocalTime.now(), message);
  }

  private void awaitAll(int hubs, Predicate<IoTHub> done) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
    long last = -1;
    while (true) {
      long count =
          client.resources(IoTHub.class).inNamespace(NS).list().getItems().stream()
              .filter(done)
              .count();
      if (count == hubs) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(count + " of " + hubs + " hubs done in time");
      }
      if (count / 100 != last / 100) {
        progress(count + " of " + hubs);
      }
      last = count;
      Thread.sleep(2_000);
    }
  }

  /** Waits until the API server served no more than the leases for {@code seconds} in a row. */
  private void awaitQuiet(int seconds) throws InterruptedException {
    long last = -1;
    int quiet = 0;
    while (quiet < seconds) {
      Thread.sleep(1_000);
      long now = target.requestsBesidesLeases().writes();
      quiet = now == last ? quiet + 1 : 0;
      last = now;
    }
  }

  private void request(String name, String hub) {
    FailoverRequest request = new FailoverRequest();
    request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    FailoverRequestSpec spec = new FailoverRequestSpec();
    spec.setHubName(hub);
    spec.setConfirmHubName(hub);
    request.setSpec(spec);
    client.resource(request).create();
  }

  private void awaitPhase(String name, RequestPhase phase) throws InterruptedException {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (System.nanoTime() < deadline) {
      FailoverRequest r =
          client.resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
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

  /** Deletes the hubs while the operator runs, so its finalizer cleans up after each. */
  private void deleteHubs(int hubs) throws InterruptedException {
    // One by one: a collection DELETE of 1,000 hubs outlasts the client's 10 s timeout.
    List<Callable<Void>> deletions = new ArrayList<>();
    for (int i = 0; i < hubs; i++) {
      String hub = name(i);
      deletions.add(
          () -> {
            client.resources(IoTHub.class).inNamespace(NS).withName(hub).delete();
            return null;
          });
    }
    Parallel.run(deletions, 4);
    long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
    while (!client.resources(IoTHub.class).inNamespace(NS).list().getItems().isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(2_000);
    }
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static void row(String name, long value) {
    System.out.printf("| %s | %,d |%n", name, value);
  }
}
