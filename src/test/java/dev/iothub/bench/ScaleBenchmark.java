package dev.iothub.bench;

import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportPhase;
import dev.iothub.api.v1alpha1.DeviceImportSpec;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.StepTiming;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.Parallel;
import dev.iothub.operator.objects.SecretMetadata;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.DeviceImportFile;
import dev.iothub.operator.registry.RegistryStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * A hub at size, on a real kube-apiserver (the operator as it ships: the packaged jar with {@code
 * -Xmx512m}, in its own process, the kubelet simulated) or on the embedded API server. For each
 * fleet size: the devices are imported through DeviceImports (the operator hashes every key and
 * sizes the registry), the standby copy is awaited, then failovers and failbacks alternate with the
 * mirror current; then the standby's copy is deleted and the time the mirror takes to copy it all
 * again is set against the API server's raw write rate for the same objects, measured right after
 * it. Reports medians per size, the operator's heap peak (jstat), bytes stored per device per
 * region and API requests. With {@code restart} (real API server only), the operator is also killed
 * in the middle of a cold failover of the largest hub and restarted. Run with {@code
 * scripts/benchmark.sh scale kube|mock [sizes] [runs] [restart]}. Not a test: nothing here asserts
 * a time.
 */
public final class ScaleBenchmark {
  static final String NS = ScaleTarget.NS;
  static final int PER_SECRET = 12_000;
  static final int SECRETS_PER_IMPORT = 20;
  private static final Duration LONG = Duration.ofMinutes(30);

  private final ScaleTarget target;
  private final KubernetesClient client;
  private final Region west;
  private final Region central;
  private final Map<String, Map<String, List<Long>>> table = new LinkedHashMap<>();

  private ScaleBenchmark(ScaleTarget target) {
    this.target = target;
    this.client = target.client();
    this.west = ScaleTarget.west(target);
    this.central = ScaleTarget.central(target);
  }

  public static void main(String[] args) {
    BenchmarkMain.exitAfter(ScaleBenchmark::run, args);
  }

  private static void run(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "kube";
    List<Integer> sizes = new ArrayList<>();
    for (String s : (args.length > 1 ? args[1] : "10000,100000,1000000").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    boolean restart = args.length > 3 && args[3].equals("restart");
    // attempt=M: import the first size for at most M minutes, reporting how far it got.
    int attemptMinutes =
        args.length > 3 && args[3].startsWith("attempt=")
            ? Integer.parseInt(args[3].substring("attempt=".length()))
            : 0;
    try (ScaleTarget target = ScaleTarget.of(kind)) {
      ScaleBenchmark benchmark = new ScaleBenchmark(target);
      if (attemptMinutes > 0) {
        benchmark.attempt(sizes.get(0), Duration.ofMinutes(attemptMinutes));
      } else {
        benchmark.measure(sizes, runs, restart);
      }
    }
  }

  /**
   * Imports {@code size} devices for at most {@code limit}, printing every minute the devices in
   * the registry, its shards, the operator's heap peak and the API server's storage size: for a
   * size whose import is known to outlast a session, what limits it.
   */
  private void attempt(int size, Duration limit) throws Exception {
    String hub = "scale-" + size;
    createHub(hub);
    System.out.printf(
        "%nImport of %,d devices on %s, for at most %d minutes%n%n",
        size, target.description(), limit.toMinutes());
    System.out.println(
        "| minute | devices in the registry | shards | devices per minute since the last line |"
            + " operator heap peak (MiB) | etcd database, as the API server reports it (MiB) |");
    System.out.println("|---|---|---|---|---|---|");
    try (HeapSampler heap = new HeapSampler(target.operatorPid())) {
      List<String> imports = startImport(hub, size);
      long t0 = System.nanoTime();
      long last = 0;
      for (int minute = 1; minute <= limit.toMinutes(); minute++) {
        Thread.sleep(60_000);
        IoTHub h = hub(hub);
        long devices =
            h.getStatus().getRegistry() == null ? 0 : h.getStatus().getRegistry().getDevices();
        Integer shards =
            h.getStatus().getRegistry() == null ? null : h.getStatus().getRegistry().getShards();
        long stored = target.storageBytes();
        System.out.printf(
            "| %d | %,d | %s | %,d | %d | %s |%n",
            minute,
            devices,
            shards,
            devices - last,
            heap.peakMiB(),
            stored < 0 ? "n/a" : String.format("%,d", stored >> 20));
        last = devices;
        if (importsDone(imports, hub, size)) {
          System.out.printf("%nAll %,d devices imported in %d ms%n", size, millisSince(t0));
          return;
        }
      }
      System.out.printf(
          "%nStopped after %d minutes with %,d of %,d devices imported%n",
          limit.toMinutes(), last, size);
    }
  }

  private void measure(List<Integer> sizes, int runs, boolean restart) throws Exception {
    HeapSampler heap = new HeapSampler(target.operatorPid());
    try {
      for (int size : sizes) {
        boolean last = size == sizes.get(sizes.size() - 1);
        measureSize(size, runs, heap, last && restart && target.separateProcess());
      }
    } finally {
      print(sizes, runs);
      heap.close();
    }
  }

  private void measureSize(int size, int runs, HeapSampler heap, boolean restart) throws Exception {
    String hub = "scale-" + size;
    String column = String.format("%,d", size);
    Consumer<String> log =
        m -> System.out.printf("[%s %,d] %s%n", java.time.LocalTime.now(), size, m);
    createHub(hub);
    heap.reset();
    long t0 = System.nanoTime();
    importDevices(hub, size);
    long imported = millisSince(t0);
    record("import of the devices through DeviceImports (ms)", column, imported);
    log.accept("imported in " + imported + " ms");
    long t1 = System.nanoTime();
    awaitStandbyCurrent(hub);
    record("standby copy current after the import (ms)", column, millisSince(t1));
    record("operator heap peak during import and copy (MiB)", column, heap.peakMiB());
    record("  old generation peak (MiB)", column, heap.oldPeakMiB());
    Storage west0 = storage(hub, west);
    record("registry shards per region", column, west0.shards());
    record(
        "bytes stored per device per region (registry shards and broker auth Secrets)",
        column,
        Math.round((double) west0.bytes() / size));
    for (int run = 1; run <= runs * 2; run++) {
      String name = hub + "-op-" + run;
      heap.reset();
      // The operator's minimum interval between operations (1 s here) is not what is measured.
      Thread.sleep(1_100);
      target.beforeOperation();
      long calls0 = target.apiRequests();
      long r0 = System.nanoTime();
      request(name, hub);
      awaitSucceeded(name);
      long elapsed = millisSince(r0);
      long calls = target.apiRequests() - calls0;
      OperationRecord done =
          hub(hub).getStatus().getHistory().stream()
              .filter(r -> name.equals(r.getRequestName()))
              .findFirst()
              .orElseThrow();
      String kind = run % 2 == 1 ? "failover" : "failback";
      log.accept(kind + " " + elapsed + " ms");
      record("failover or failback, mirror current, request to Succeeded (ms)", column, elapsed);
      for (StepTiming t : done.getSteps()) {
        record("  step " + t.getStep().name() + " (ms)", column, t.getDurationMillis());
      }
      record("API requests during it (all clients, server counters)", column, calls);
      record("operator heap peak during it (MiB)", column, heap.peakMiB());
      awaitStandbyCurrent(hub);
    }
    // A cold standby: its copy deleted, the mirror copies every shard again. With the operator in
    // its own process, the copy is deleted while it is stopped (a deletion racing the copy would
    // be copied again), and the time counts from its start.
    Region standby = standbyOf(hub);
    Storage source = storage(hub, otherThan(standby));
    if (target.separateProcess()) {
      target.stopOperator(false);
    }
    int logFrom = target.operatorLog().length();
    long c0 = System.nanoTime();
    deleteShards(hub, standby);
    if (target.separateProcess()) {
      await()
          .atMost(LONG)
          .until(
              () ->
                  SecretMetadata.list(client, standby.namespace(), registrySelector(hub))
                      .isEmpty());
      c0 = System.nanoTime();
      target.startOperator();
      logFrom = 0;
    }
    heap.reset();
    heap.follow(target.operatorPid());
    awaitStandbyCurrent(hub);
    long cold = millisSince(c0);
    long copying = mirrorCopyMillis(target.operatorLog(), logFrom);
    record("cold standby: deleted to copy current (ms)", column, cold);
    record("  of which the mirror's copy, as it logs (ms)", column, copying);
    record("cold standby: operator heap peak (MiB)", column, heap.peakMiB());
    long raw = rawWrite(hub, otherThan(standby));
    record("raw write of the same shard objects by a plain client (ms)", column, raw);
    // The embedded target logs to this process's console: there the whole time is the basis.
    long basis = copying > 0 ? copying : cold;
    record("mirror's copy rate / raw write rate (%)", column, Math.round(100.0 * raw / basis));
    log.accept(
        "cold copy "
            + cold
            + " ms, the mirror's "
            + copying
            + " ms, raw "
            + raw
            + " ms, "
            + source.shards()
            + " shards");
    if (restart) {
      restartInTheMiddle(hub, size, heap);
    }
    deleteHub(hub);
  }

  /**
   * Stops the operator, empties the standby, asks for a failover, starts the operator and kills it
   * while MigratingRegistry copies, then starts it once more: the request must still succeed.
   */
  private void restartInTheMiddle(String hub, int size, HeapSampler heap) throws Exception {
    String column = String.format("%,d", size);
    awaitStandbyCurrent(hub);
    target.beforeOperation();
    target.stopOperator(false);
    Region standby = standbyOf(hub);
    deleteShards(hub, standby);
    request(hub + "-cold", hub);
    heap.reset();
    long t0 = System.nanoTime();
    target.startOperator();
    heap.follow(target.operatorPid());
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              IoTHub h = hub(hub);
              return h.getStatus().getOperation() != null
                  && "MigratingRegistry"
                      .equals(String.valueOf(h.getStatus().getOperation().getStep()))
                  && standbyShards(hub) > 0;
            });
    target.stopOperator(true);
    long killedAt = millisSince(t0);
    target.startOperator();
    heap.follow(target.operatorPid());
    awaitSucceeded(hub + "-cold");
    record("cold failover killed in MigratingRegistry at (ms)", column, killedAt);
    record("cold failover with that restart, request to Succeeded (ms)", column, millisSince(t0));
    record("operator heap peak across it (MiB)", column, heap.peakMiB());
    if (target.operatorLog().contains("OutOfMemoryError")) {
      throw new IllegalStateException("the operator ran out of memory");
    }
  }

  private void createHub(String name) {
    apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: " + name + ", namespace: " + NS + "}",
            "spec: {location: westus2}"));
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                hub(name) != null
                    && hub(name).getStatus() != null
                    && hub(name).getStatus().getState() == HubState.Active);
  }

  /**
   * Random UUID ids with real keys: Secrets of {@link #PER_SECRET} records (random keys hardly
   * compress, and a Secret stays under 1 MiB), DeviceImports of up to {@link #SECRETS_PER_IMPORT}.
   */
  private void importDevices(String hub, int size) {
    List<String> imports = startImport(hub, size);
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> importsDone(imports, hub, size));
  }

  /** The DeviceImports of {@code size} new devices, created; returns their names. */
  private List<String> startImport(String hub, int size) {
    List<String> imports = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    for (int from = 0, part = 0; from < size; from += PER_SECRET, part++) {
      int count = Math.min(PER_SECRET, size - from);
      StringBuilder csv = new StringBuilder(count * 90);
      csv.append("# deviceId,primaryKey\n");
      for (int i = 0; i < count; i++) {
        csv.append(UUID.randomUUID()).append(',').append(DeviceKeys.newKey()).append('\n');
      }
      String secret = hub + "-devices-" + part;
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(secret)
                  .withNamespace(NS)
                  .endMetadata()
                  .addToData(
                      DeviceImportSpec.RECORDS_KEY,
                      Base64.getEncoder().encodeToString(DeviceImportFile.compress(csv.toString())))
                  .build())
          .create();
      secrets.add(secret);
      if (secrets.size() == SECRETS_PER_IMPORT || from + count >= size) {
        String name = hub + "-import-" + imports.size();
        apply(
            String.join(
                "\n",
                "apiVersion: iothub.dev/v1alpha1",
                "kind: DeviceImport",
                "metadata: {name: " + name + ", namespace: " + NS + "}",
                "spec: {hubName: " + hub + ", secretNames: [" + String.join(", ", secrets) + "]}"));
        imports.add(name);
        secrets.clear();
      }
    }
    return imports;
  }

  /** Whether every import succeeded and the hub counts the devices; throws when one failed. */
  private boolean importsDone(List<String> imports, String hub, int size) {
    for (String name : imports) {
      DeviceImport i = client.resources(DeviceImport.class).inNamespace(NS).withName(name).get();
      if (i.getStatus() != null && i.getStatus().getPhase() == DeviceImportPhase.Failed) {
        throw new IllegalStateException(name + ": " + i.getStatus().getMessage());
      }
      if (i.getStatus() == null || i.getStatus().getPhase() != DeviceImportPhase.Succeeded) {
        return false;
      }
    }
    IoTHub h = hub(hub);
    return h.getStatus().getRegistry() != null
        && Long.valueOf(size).equals(h.getStatus().getRegistry().getDevices());
  }

  /** The standby's shards carry the current region's checksums, shard by shard. */
  private void awaitStandbyCurrent(String hub) {
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              IoTHub h = hub(hub);
              if (h.getStatus().getOperation() != null) {
                return false;
              }
              Region standby = standbyOf(hub);
              return checksums(hub, standby).equals(checksums(hub, otherThan(standby)));
            });
  }

  /** From the shards' metadata: polling with their data competed with the copy it waits for. */
  private Map<String, String> checksums(String hub, Region region) {
    Map<String, String> sums = new TreeMap<>();
    SecretMetadata.list(client, region.namespace(), registrySelector(hub))
        .forEach(
            s -> {
              Map<String, String> a = s.getMetadata().getAnnotations();
              if (!"0".equals(a.get(RegistryStore.RECORDS))) {
                sums.put(a.get(RegistryStore.SHARD), a.get(RegistryStore.CHECKSUM));
              }
            });
    return sums;
  }

  private int standbyShards(String hub) {
    return checksums(hub, standbyOf(hub)).size();
  }

  private record Storage(long shards, long bytes) {}

  /** Data bytes of the hub's region Secrets (registry shards, certificate, service lines). */
  private Storage storage(String hub, Region region) {
    long[] totals = new long[2];
    eachSecret(
        region,
        HubNames.HUB_NAME + "=" + hub,
        s -> {
          String component = s.getMetadata().getLabels().get(HubNames.COMPONENT);
          if (RegistryStore.COMPONENT.equals(component)) {
            totals[0]++;
          }
          if (s.getData() != null
              && (RegistryStore.COMPONENT.equals(component) || "broker-auth".equals(component))
              && !s.getMetadata().getName().endsWith("-tls")) {
            s.getData().values().forEach(v -> totals[1] += Base64.getDecoder().decode(v).length);
          }
        });
    return new Storage(totals[0], totals[1]);
  }

  /**
   * Creates the source's shard objects again in a scratch namespace, as many at once as the
   * operator copies ({@code RegistryMigration.PARALLEL_COPIES}); the time, from the first write to
   * the last answer, is the raw rate the API server offers for these bytes.
   */
  private long rawWrite(String hub, Region source) {
    String scratch = "scale-raw";
    createNamespace(scratch);
    List<Secret> copies = new ArrayList<>();
    eachSecret(
        source,
        registrySelector(hub),
        s ->
            copies.add(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName(s.getMetadata().getName())
                    .withNamespace(scratch)
                    .withAnnotations(s.getMetadata().getAnnotations())
                    .endMetadata()
                    .withType(s.getType())
                    .withData(s.getData())
                    .build()));
    List<Callable<Secret>> writes = new ArrayList<>();
    for (Secret copy : copies) {
      writes.add(() -> client.resource(copy).create());
    }
    long t0 = System.nanoTime();
    Parallel.run(writes, RAW_PARALLEL);
    long took = millisSince(t0);
    copies.clear();
    client.namespaces().withName(scratch).delete();
    await().atMost(LONG).until(() -> client.namespaces().withName(scratch).get() == null);
    return took;
  }

  private static final java.util.regex.Pattern COPIED =
      java.util.regex.Pattern.compile("copied (\\d+) registry shards .* in (\\d+) ms");

  /** The time of the mirror's copies the operator logged from {@code from} on (0 when none). */
  static long mirrorCopyMillis(String operatorLog, int from) {
    var m = COPIED.matcher(operatorLog.substring(Math.min(from, operatorLog.length())));
    long total = 0;
    while (m.find()) {
      total += Long.parseLong(m.group(2));
    }
    return total;
  }

  /**
   * Deletes the region's registry shards one by one, four at a time: a DELETE of the whole
   * collection of 512 shards outlasted the client's 10 s request timeout.
   */
  private void deleteShards(String hub, Region region) {
    List<Callable<Boolean>> deletes = new ArrayList<>();
    for (Secret s : SecretMetadata.list(client, region.namespace(), registrySelector(hub))) {
      deletes.add(
          () ->
              !client
                  .secrets()
                  .inNamespace(region.namespace())
                  .withName(s.getMetadata().getName())
                  .delete()
                  .isEmpty());
    }
    Parallel.run(deletes, RAW_PARALLEL);
  }

  /** The operator's parallelism of a copy (RegistryMigration.PARALLEL_COPIES). */
  private static final int RAW_PARALLEL = 4;

  /** Pages of 8, so that this process never holds a region's whole registry. */
  private void eachSecret(Region region, String selector, Consumer<Secret> each) {
    String next = null;
    do {
      SecretList page =
          client
              .secrets()
              .inNamespace(region.namespace())
              .withLabelSelector(selector)
              .list(new ListOptionsBuilder().withLimit(8L).withContinue(next).build());
      page.getItems().forEach(each);
      next = page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
  }

  private String registrySelector(String hub) {
    return HubNames.HUB_NAME + "=" + hub + "," + HubNames.COMPONENT + "=" + RegistryStore.COMPONENT;
  }

  private Region standbyOf(String hub) {
    String current = hub(hub).getStatus().getCurrentLocation().getId();
    return current.equals(west.id()) ? central : west;
  }

  private Region otherThan(Region region) {
    return region.equals(west) ? central : west;
  }

  private void request(String name, String hub) {
    apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: FailoverRequest",
            "metadata: {name: " + name + ", namespace: " + NS + "}",
            "spec: {hubName: " + hub + ", confirmHubName: " + hub + "}"));
  }

  private void awaitSucceeded(String name) {
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              FailoverRequest r =
                  client.resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
              if (r.getStatus() != null
                  && (r.getStatus().getPhase() == RequestPhase.Failed
                      || r.getStatus().getPhase() == RequestPhase.Rejected)) {
                throw new IllegalStateException(name + ": " + r.getStatus().getMessage());
              }
              return r.getStatus() != null && r.getStatus().getPhase() == RequestPhase.Succeeded;
            });
  }

  private void apply(String yaml) {
    HasMetadata object = client.getKubernetesSerialization().unmarshal(yaml);
    client.resource(object).create();
  }

  private void createNamespace(String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  private void deleteHub(String name) {
    client.resources(IoTHub.class).inNamespace(NS).withName(name).delete();
    await().atMost(LONG).until(() -> hub(name) == null);
  }

  private IoTHub hub(String name) {
    return client.resources(IoTHub.class).inNamespace(NS).withName(name).get();
  }

  private void record(String measure, String column, long value) {
    table
        .computeIfAbsent(measure, k -> new LinkedHashMap<>())
        .computeIfAbsent(column, k -> new ArrayList<>())
        .add(value);
  }

  private void print(List<Integer> sizes, int runs) {
    System.out.printf(
        "%nA hub at size on %s; %d failovers and %d failbacks per size; median (min–max)%n%n",
        target.description(), runs, runs);
    StringBuilder head = new StringBuilder("| measure |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int size : sizes) {
      head.append(String.format(" %,d devices |", size));
      rule.append("---|");
    }
    System.out.println(head);
    System.out.println(rule);
    table.forEach(
        (measure, bySize) -> {
          StringBuilder row = new StringBuilder("| " + measure + " |");
          for (int size : sizes) {
            List<Long> values = bySize.get(String.format("%,d", size));
            row.append(' ').append(values == null ? "" : cell(values)).append(" |");
          }
          System.out.println(row);
        });
  }

  private static String cell(List<Long> values) {
    if (values.size() == 1) {
      return String.format("%,d", values.get(0));
    }
    return String.format(
        "%,d (%,d–%,d)",
        Medians.median(values),
        java.util.Collections.min(values),
        java.util.Collections.max(values));
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
