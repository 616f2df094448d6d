package dev.iothub.bench;

import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.StepTiming;
import dev.iothub.kube.OperatorProcess;
import dev.iothub.kube.RealCluster;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.HubFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times a whole failover (request created to request Succeeded) of a hub with N device records on a
 * real kube-apiserver: the control plane of ../shared/kube (or IOTHUB_TEST_KUBECONFIG's cluster),
 * the packaged operator jar in its own process, the kubelet simulated. A fresh hub per run, one
 * warm-up run discarded, medians over the rest. Run with {@code scripts/benchmark.sh failover-kube
 * [devices] [runs]}. Not a test: nothing here asserts a time.
 */
public final class KubeFailoverBenchmark {
  static final String NS = "bench";
  static final String TEMPLATE = "bench-{region}";

  private KubeFailoverBenchmark() {}

  public static void main(String[] args) {
    BenchmarkMain.exitAfter(KubeFailoverBenchmark::run, args);
  }

  private static void run(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    RealCluster cluster = RealCluster.get();
    cluster.kubectl("apply", "--server-side", "-f", "crds/");
    RegionCatalog regions = RegionCatalog.build(TEMPLATE, Map.of());
    Region west = regions.find("westus2").orElseThrow();
    Region central = regions.find("westcentralus").orElseThrow();
    cluster.createNamespaces(NS, west.namespace(), central.namespace());
    Path properties = RealCluster.WORK.resolve("bench.properties");
    Files.createDirectories(RealCluster.WORK);
    Files.writeString(
        properties,
        String.join(
            "\n",
            "quarkus.operator-sdk.namespaces=" + NS,
            "iothub.region-namespace-template=" + TEMPLATE,
            "iothub.watched-region-namespaces=" + west.namespace() + "," + central.namespace(),
            "quarkus.log.level=WARN",
            ""));
    List<Long> failoverMillis = new ArrayList<>();
    List<Long> writeMillis = new ArrayList<>();
    Map<String, List<Long>> steps = new LinkedHashMap<>();
    try (AutoCloseable kubelet = cluster.playKubelet();
        OperatorProcess operator =
            OperatorProcess.start("bench", cluster.kubeconfig(), properties, Map.of())) {
      for (int run = 0; run <= runs; run++) {
        String name = "bench-" + run;
        cluster.apply(
            String.join(
                "\n",
                "apiVersion: iothub.dev/v1alpha1",
                "kind: IoTHub",
                "metadata: {name: " + name + ", namespace: " + NS + "}",
                "spec: {location: westus2}"));
        IoTHub hub = awaitActive(cluster, name);
        long w0 = System.nanoTime();
        new RegistryStore(cluster.admin())
            .write(hub, west, HubFixtures.devices(devices, "device-"), Instant.now());
        long written = (System.nanoTime() - w0) / 1_000_000;
        await()
            .atMost(Duration.ofMinutes(5))
            .until(
                () -> {
                  IoTHub h = hub(cluster, name);
                  return h.getStatus().getRegistry() != null
                      && Long.valueOf(devices).equals(h.getStatus().getRegistry().getDevices());
                });

        long t0 = System.nanoTime();
        cluster.apply(
            String.join(
                "\n",
                "apiVersion: iothub.dev/v1alpha1",
                "kind: FailoverRequest",
                "metadata: {name: " + name + "-failover, namespace: " + NS + "}",
                "spec: {hubName: " + name + ", confirmHubName: " + name + "}"));
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> {
                  FailoverRequest r =
                      cluster
                          .admin()
                          .resources(FailoverRequest.class)
                          .inNamespace(NS)
                          .withName(name + "-failover")
                          .get();
                  if (r.getStatus() != null && r.getStatus().getPhase() == RequestPhase.Failed) {
                    throw new IllegalStateException(r.getStatus().getMessage());
                  }
                  return r.getStatus() != null
                      && r.getStatus().getPhase() == RequestPhase.Succeeded;
                });
        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        OperationRecord record = hub(cluster, name).getStatus().getHistory().get(0);
        cluster.kubectl("delete", "iothub", name, "-n", NS, "--timeout=120s");
        if (run == 0) {
          continue; // warm-up: class loading and JIT in the operator
        }
        failoverMillis.add(elapsed);
        writeMillis.add(written);
        for (StepTiming t : record.getSteps()) {
          steps
              .computeIfAbsent(t.getStep().name(), k -> new ArrayList<>())
              .add(t.getDurationMillis());
        }
      }
    } finally {
      cluster.deleteNamespaces(Duration.ofMinutes(2), NS, west.namespace(), central.namespace());
    }
    System.out.printf(
        "%nFailover of a hub with %,d device records, kube-apiserver v1.32 (kubelet simulated),"
            + " %d runs (after 1 warm-up)%n%n",
        devices, runs);
    Medians.header();
    Medians.row("failover, request created to Succeeded, seen by a client (ms)", failoverMillis);
    steps.forEach((step, values) -> Medians.row("  step " + step + " (ms)", values));
    Medians.row("bulk write of the records before it (ms)", writeMillis);
  }

  private static IoTHub hub(RealCluster cluster, String name) {
    return cluster.admin().resources(IoTHub.class).inNamespace(NS).withName(name).get();
  }

  private static IoTHub awaitActive(RealCluster cluster, String name) {
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              IoTHub h = hub(cluster, name);
              return h != null
                  && h.getStatus() != null
                  && h.getStatus().getState() == HubState.Active;
            });
    return hub(cluster, name);
  }
}
