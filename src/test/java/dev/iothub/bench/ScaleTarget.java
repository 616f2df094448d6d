package dev.iothub.bench;

import dev.iothub.kube.OperatorProcess;
import dev.iothub.kube.RealCluster;
import dev.iothub.operator.failover.FailoverPolicy;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where {@link ScaleBenchmark} runs: a real kube-apiserver with the operator jar in its own process
 * ({@code -Xmx512m}), or the embedded API server with the operator in this process.
 */
interface ScaleTarget extends AutoCloseable {
  String NS = "scale";

  String description();

  KubernetesClient client();

  RegionCatalog regions();

  /** Requests the API server has served so far (every client). */
  long apiRequests();

  /**
   * Requests served so far other than lease renewals (the control plane's own heartbeat, every few
   * seconds whatever the operator does): all of them, and the writes among them.
   */
  Requests requestsBesidesLeases();

  /** Cumulative request counts. */
  record Requests(long all, long writes) {
    Requests minus(Requests earlier) {
      return new Requests(all - earlier.all, writes - earlier.writes);
    }
  }

  /** The JVM whose heap is the operator's (this one for the embedded server). */
  long operatorPid();

  /** The size of the API server's storage (etcd's database) in bytes; -1 when it has none. */
  default long storageBytes() {
    return -1;
  }

  /** Heap in use right after a full GC, in MiB: the operator's (the whole process, embedded). */
  long heapAfterGcMiB() throws Exception;

  /** Lets the next failover start at once (the embedded target's clock skips the wait). */
  default void beforeOperation() {}

  /** Whether {@link #stopOperator}/{@link #startOperator} play a crash and a restart. */
  default boolean separateProcess() {
    return false;
  }

  default void stopOperator(boolean kill) {
    throw new UnsupportedOperationException();
  }

  default void startOperator() {
    throw new UnsupportedOperationException();
  }

  default String operatorLog() {
    return "";
  }

  static ScaleTarget of(String kind) throws IOException {
    return switch (kind) {
      case "kube" -> new Kube();
      case "mock" -> new Embedded();
      default -> throw new IllegalArgumentException("target is kube or mock, not " + kind);
    };
  }

  /** The template of the region namespaces. */
  String TEMPLATE = "scale-{region}";

  final class Kube implements ScaleTarget {
    private final RealCluster cluster = RealCluster.get();
    private final RegionCatalog regions = RegionCatalog.build(TEMPLATE, Map.of());
    private final Path properties = RealCluster.WORK.resolve("scale.properties");
    private final AutoCloseable kubelet;
    private OperatorProcess operator;
    private int starts;

    Kube() throws IOException {
      cluster.installCrds();
      List<String> namespaces = namespaces(regions);
      cluster.createNamespaces(namespaces.toArray(String[]::new));
      Files.createDirectories(RealCluster.WORK);
      Files.writeString(
          properties,
          String.join(
              "\n",
              "quarkus.operator-sdk.namespaces=" + NS,
              "iothub.region-namespace-template=" + TEMPLATE,
              "iothub.watched-region-namespaces="
                  + String.join(",", namespaces.subList(1, namespaces.size())),
              "iothub.failover.max-failovers-per-window=5",
              "iothub.failover.max-failbacks-per-window=5",
              "iothub.failover.min-interval=PT1S",
              "quarkus.log.level=WARN",
              // The mirror's copies, with their time: the cold copy's own figure.
              "quarkus.log.category.\"dev.iothub.operator.registry.RegistryMirror\".level=INFO",
              ""));
      kubelet = cluster.playKubelet();
      startOperator();
    }

    @Override
    public String description() {
      return "kube-apiserver v1.32 of ../shared/kube (kubelet simulated), the operator jar in its"
          + " own process with -Xmx512m";
    }

    @Override
    public KubernetesClient client() {
      return cluster.admin();
    }

    @Override
    public RegionCatalog regions() {
      return regions;
    }

    @Override
    public long apiRequests() {
      return sum(metric("apiserver_request_total{"), line -> true);
    }

    @Override
    public Requests requestsBesidesLeases() {
      List<String> requests = metric("apiserver_request_total{");
      java.util.function.Predicate<String> notLeases =
          line -> !line.contains("resource=\"leases\"");
      return new Requests(
          sum(requests, notLeases),
          sum(requests, notLeases.and(line -> WRITE_VERB.matcher(line).find())));
    }

    @Override
    public long storageBytes() {
      return sum(metric("apiserver_storage_size_bytes"), line -> true);
    }

    /** The API server's metric lines that start with {@code name}, read now. */
    private List<String> metric(String name) {
      return java.util.Arrays.stream(cluster.admin().raw("/metrics").split("\n"))
          .filter(line -> line.startsWith(name))
          .toList();
    }

    private static long sum(List<String> lines, java.util.function.Predicate<String> passes) {
      return lines.stream()
          .filter(passes)
          .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .sum();
    }

    private static final java.util.regex.Pattern WRITE_VERB =
        java.util.regex.Pattern.compile("verb=\"(POST|PUT|PATCH|DELETE|APPLY|DELETECOLLECTION)\"");

    @Override
    public long operatorPid() {
      return operator.pid();
    }

    @Override
    public long heapAfterGcMiB() throws Exception {
      run("jcmd", Long.toString(operator.pid()), "GC.run");
      String[] lines = run("jstat", "-gc", Long.toString(operator.pid())).trim().split("\n");
      String[] header = lines[0].trim().split("\\s+");
      String[] cells = lines[lines.length - 1].trim().split("\\s+");
      double kb = 0;
      for (int i = 0; i < header.length; i++) {
        if (List.of("S0U", "S1U", "EU", "OU").contains(header[i])) {
          kb += Double.parseDouble(cells[i]);
        }
      }
      return (long) kb / 1024;
    }

    private static String run(String... command) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    }

    @Override
    public boolean separateProcess() {
      return true;
    }

    @Override
    public void stopOperator(boolean kill) {
      if (kill) {
        operator.kill();
      } else {
        operator.close();
      }
    }

    @Override
    public void startOperator() {
      operator =
          OperatorProcess.start("scale-" + starts++, cluster.kubeconfig(), properties, Map.of());
    }

    @Override
    public String operatorLog() {
      return operator.log();
    }

    @Override
    public void close() throws Exception {
      try {
        System.out.println("\noperator log tail:\n" + operator.logTail(10));
        operator.close();
        kubelet.close();
      } finally {
        cluster.deleteNamespaces(Duration.ofMinutes(5), namespaces(regions).toArray(String[]::new));
      }
    }
  }

  final class Embedded implements ScaleTarget {
    private final OperatorHarness harness;

    Embedded() {
      harness =
          OperatorHarness.start(
              OperatorHarness.testSettings()
                  .withRegions(RegionCatalog.build(TEMPLATE, Map.of()))
                  .withFailover(
                      new FailoverPolicy(
                          5, 5, Duration.ofHours(24), Duration.ofHours(1), Duration.ofMinutes(5))));
      harness.createNamespaces(namespaces(regions()).toArray(String[]::new));
    }

    @Override
    public String description() {
      return "the embedded API server (fabric8 mock, CRUD mode, in process; no etcd, no admission),"
          + " the operator in the same JVM (heap figures include the server's store)";
    }

    @Override
    public KubernetesClient client() {
      return harness.client();
    }

    @Override
    public RegionCatalog regions() {
      return harness.settings().regions();
    }

    @Override
    public long apiRequests() {
      return harness.server().requestCount();
    }

    private long writes;

    @Override
    public synchronized Requests requestsBesidesLeases() {
      // The embedded operator holds no lease; every request is the operator's or the caller's.
      writes +=
          harness.server().drainRequests().stream().filter(r -> !r.startsWith("GET ")).count();
      return new Requests(harness.server().requestCount(), writes);
    }

    @Override
    public long operatorPid() {
      return ProcessHandle.current().pid();
    }

    @Override
    public long heapAfterGcMiB() throws InterruptedException {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(200);
      }
      return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
          >> 20;
    }

    @Override
    public void beforeOperation() {
      harness.clock().advance(Duration.ofHours(2));
    }

    @Override
    public void close() {
      harness.close();
    }
  }

  private static List<String> namespaces(RegionCatalog regions) {
    return List.of(
        NS,
        regions.find("westus2").orElseThrow().namespace(),
        regions.find("westcentralus").orElseThrow().namespace());
  }

  /** The two regions of the benchmark's hubs. */
  static Region west(ScaleTarget t) {
    return t.regions().find("westus2").orElseThrow();
  }

  static Region central(ScaleTarget t) {
    return t.regions().find("westcentralus").orElseThrow();
  }
}
