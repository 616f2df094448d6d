package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.StepTiming;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator process is killed (SIGKILL: no shutdown hook) at random moments of six operations,
 * failovers and failbacks in turn, and restarted each time. Every operation must finish exactly
 * once (its request Succeeded, one history record for its uid, no step twice) and every device
 * record must be intact in the region the hub runs in afterwards. The seed and each kill's moment
 * and the step it hit are printed; IOTHUB_SIGKILL_SEED replays a run.
 */
class SigkillKubeIT {
  static final String NS = "sigkill";
  static final String WEST = "sigkill-westus2";
  static final String CENTRAL = "sigkill-westcentralus";
  // Six keep the tier under its time budget; IOTHUB_SIGKILL_OPERATIONS runs more (an even count).
  static final int OPERATIONS =
      Integer.parseInt(System.getenv().getOrDefault("IOTHUB_SIGKILL_OPERATIONS", "6"));
  static final int DEVICES = 3_000;
  static final long KILL_WINDOW_MS = 40;
  static final Duration WAIT = Duration.ofSeconds(90);

  static RealCluster cluster;
  static AutoCloseable kubelet;
  static OperatorProcess operator;
  static Path properties;
  static int hits;

  @BeforeAll
  static void start() throws Exception {
    cluster = RealCluster.get();
    cluster.installCrds();
    cluster.createNamespaces(NS, WEST, CENTRAL);
    kubelet = cluster.playKubelet();
    properties = RealCluster.WORK.resolve("sigkill.properties");
    Files.createDirectories(RealCluster.WORK);
    Files.writeString(
        properties,
        String.join(
            "\n",
            "quarkus.operator-sdk.namespaces=" + NS,
            "iothub.region-namespace-template=sigkill-{region}",
            "iothub.watched-region-namespaces=" + WEST + "," + CENTRAL,
            // Ten operations allowed (five of each, the most a window may allow), back to back.
            "iothub.failover.max-failovers-per-window=" + OPERATIONS / 2,
            "iothub.failover.max-failbacks-per-window=" + OPERATIONS / 2,
            "iothub.failover.min-interval=PT1S",
            "iothub.retry-initial-delay=PT1S",
            "iothub.retry-max-delay=PT2S",
            ""));
    operator = startOperator();
    cluster.apply(
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: fleet, namespace: " + NS + "}",
            "spec:",
            "  location: westus2",
            "  registry: {shards: 8}"));
    awaitHub(h -> h.getStatus().getState() == HubState.Active);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster == null) {
      return;
    }
    // The hubs first, while the operator runs (their finalizers clean the regions), then every
    // namespace in one call: the namespace controller waits about 5 s before each deletion.
    cluster.deleteHubs(NS);
    cluster.deleteNamespaces(WAIT, NS, WEST, CENTRAL);
    RealCluster.closeAll(operator, kubelet);
  }

  static int started;

  /** Each instance logs to its own file (sigkill-0.log, ...): a killed one's log is kept. */
  static OperatorProcess startOperator() {
    return OperatorProcess.start(
        "sigkill-" + started++, cluster.kubeconfig(), properties, Map.of());
  }

  @Test
  void everyOperationFinishesOnceAndNoDeviceRecordIsLostWhateverMomentTheOperatorIsKilled()
      throws Exception {
    LimitsKubeIT.createImportIn(cluster, NS, "fleet", "fleet-devices", DEVICES);
    await().atMost(WAIT).until(() -> devices() == DEVICES);
    List<DeviceRecord> before = records(WEST);
    assertThat(before).hasSize(DEVICES);
    String checksum = checksum(WEST);
    assertThat(checksum).isEqualTo(hub().getStatus().getRegistry().getChecksum());

    long seed =
        Long.parseLong(
            System.getenv().getOrDefault("IOTHUB_SIGKILL_SEED", "" + System.nanoTime() % 100_000));
    Random random = new Random(seed);
    System.out.println("SigkillKubeIT seed " + seed + " (IOTHUB_SIGKILL_SEED replays it)");
    for (int i = 0; i < OPERATIONS; i++) {
      String name = "op-" + i;
      OperationType expected = i % 2 == 0 ? OperationType.Failover : OperationType.Failback;
      // A quarter of the kills land while the request waits to be taken, the rest within a few
      // tens of milliseconds after the hub shows the operation running: the moment is random, but
      // always one where a failover is under way.
      boolean whileRunning = random.nextInt(4) != 0;
      long delay = (long) (random.nextDouble() * KILL_WINDOW_MS);
      long requested = System.nanoTime();
      request(name);
      if (whileRunning) {
        await().pollInterval(Duration.ofMillis(5)).atMost(WAIT).until(() -> runningOrDone(name));
      }
      Thread.sleep(delay);
      operator.kill();
      String hit = hit(name);
      if (!hit.startsWith("nothing")) {
        hits++;
      }
      System.out.printf(
          "kill %d: %s %d ms after the request, hit %s%n",
          i, expected, (System.nanoTime() - requested) / 1_000_000, hit);
      operator = startOperator();

      await().atMost(WAIT).until(() -> phase(name) != null && phase(name).isTerminal());
      FailoverRequest done = get(name);
      assertThat(done.getStatus().getPhase())
          .as(name + ": " + done.getStatus().getMessage())
          .isEqualTo(RequestPhase.Succeeded);
      assertThat(done.getStatus().getType()).isEqualTo(expected);
      IoTHub hub = awaitHub(h -> h.getStatus().getOperation() == null);
      List<OperationRecord> mine =
          hub.getStatus().getHistory().stream()
              .filter(r -> done.getMetadata().getUid().equals(r.getRequestUid()))
              .toList();
      assertThat(mine).as(name + " in the history").hasSize(1);
      assertThat(mine.get(0).getSteps())
          .extracting(StepTiming::getStep)
          .as(name + "'s steps")
          .doesNotHaveDuplicates()
          .hasSize(4);
      String current =
          hub.getStatus().getCurrentLocation().getId().equals("westus2") ? WEST : CENTRAL;
      assertThat(current).isEqualTo(expected == OperationType.Failover ? CENTRAL : WEST);
      List<DeviceRecord> after = records(current);
      assertThat(after).as(name + ": device records in " + current).isEqualTo(before);
      assertThat(checksum(current))
          .as(name + ": registry checksum in " + current)
          .isEqualTo(checksum);
      // What the hub's status reports of it: right once the operation is over, not after the
      // next periodic pass (a restarted operator once reported 0 devices here for minutes).
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                IoTHub now = hub();
                assertThat(now.getStatus().getRegistry().getDevices())
                    .as(name + ": devices in the hub's status")
                    .isEqualTo(DEVICES);
                assertThat(now.getStatus().getRegistry().getChecksum())
                    .as(name + ": checksum in the hub's status")
                    .isEqualTo(checksum);
              });
      System.out.printf(
          "  %s done: %d records, checksum %s in %s; hub status says %d devices%n",
          name, after.size(), checksum.substring(0, 12), current, devices());
      // The minimum interval between operations.
      Thread.sleep(1_100);
    }
    assertThat(hub().getStatus().getHistory()).hasSize(OPERATIONS);
    // The kills landed in operations, not after them (each line above says where).
    assertThat(hits)
        .as("kills that hit an unfinished request")
        .isGreaterThanOrEqualTo(OPERATIONS / 2);
  }

  /** Whether the hub shows this request's operation, or the request already ended. */
  static boolean runningOrDone(String name) {
    var op = hub().getStatus().getOperation();
    RequestPhase phase = phase(name);
    return (op != null && name.equals(op.getRequestName()))
        || (phase != null && phase.isTerminal());
  }

  /** Where the operation stood when the operator died, from the status it had last written. */
  static String hit(String name) {
    IoTHub hub = hub();
    var op = hub.getStatus().getOperation();
    if (op != null && name.equals(op.getRequestName())) {
      return "step " + op.getStep() + " (" + op.getSteps().size() + " steps done)";
    }
    RequestPhase phase = phase(name);
    return phase == RequestPhase.Succeeded
        ? "nothing: the operation had completed"
        : "the request before it was accepted (" + phase + ")";
  }

  /** The registry's combined checksum from the shards in a region namespace (as the hub's). */
  static String checksum(String namespace) {
    List<io.fabric8.kubernetes.api.model.Secret> shards =
        cluster
            .admin()
            .secrets()
            .inNamespace(namespace)
            .withLabel(HubNames.COMPONENT, RegistryStore.COMPONENT)
            .list()
            .getItems();
    return RegistryStore.summarize(shards).checksum();
  }

  /** Every device record in a region namespace's registry shards, by id. */
  static List<DeviceRecord> records(String namespace) {
    List<DeviceRecord> all = new ArrayList<>();
    cluster
        .admin()
        .secrets()
        .inNamespace(namespace)
        .withLabel(HubNames.COMPONENT, RegistryStore.COMPONENT)
        .list()
        .getItems()
        .forEach(s -> all.addAll(RegistryStore.records(s)));
    all.sort(Comparator.comparing(DeviceRecord::id));
    return all;
  }

  static void request(String name) {
    cluster.requestFailover(NS, name, "fleet");
  }

  static FailoverRequest get(String name) {
    return cluster.admin().resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
  }

  static RequestPhase phase(String name) {
    FailoverRequest r = get(name);
    return r == null || r.getStatus() == null ? null : r.getStatus().getPhase();
  }

  static IoTHub hub() {
    return cluster.admin().resources(IoTHub.class).inNamespace(NS).withName("fleet").get();
  }

  static IoTHub awaitHub(java.util.function.Predicate<IoTHub> condition) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              IoTHub h = hub();
              return h != null && h.getStatus() != null && condition.test(h);
            });
    return hub();
  }

  static long devices() {
    IoTHub h = hub();
    return h == null
            || h.getStatus() == null
            || h.getStatus().getRegistry() == null
            || h.getStatus().getRegistry().getDevices() == null
        ? -1
        : h.getStatus().getRegistry().getDevices();
  }
}
