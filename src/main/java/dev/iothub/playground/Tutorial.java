package dev.iothub.playground;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.cli.ClusterConnector;
import dev.iothub.cli.ExitCodes;
import dev.iothub.cli.IoTHubCli;
import dev.iothub.cli.Terminal;
import dev.iothub.embedded.LocalMosquittoPods;
import dev.iothub.operator.config.AdjustableClock;
import dev.iothub.operator.config.OperatorBeans;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Azure IoT Hub's "perform a manual failover" tutorial, played against a running operator: the
 * resource group and the hub in West US 2, devices, a failover with the typed confirmation, a
 * failback refused before the hour is over, the clock moved forward, the failback. Every hub and
 * failover command is the real command line ({@link IoTHubCli}), so the output is also a tour of
 * it. Each step checks its outcome; the first that does not hold ends the tutorial with exit code
 * 1.
 */
public final class Tutorial {
  public static final String NAMESPACE = "manlfailrg";
  public static final String HUB = "contoso-hub";

  /** Records written in one bulk write; the example file adds its devices. */
  public static final int DEVICES = 500;

  static final String THERMOSTAT = "thermostat-1";
  static final String PUMP = "pump";
  static final String EXAMPLE_DEVICES_FILE = "04-devices.yaml";

  static final Duration WAIT = Duration.ofSeconds(30);
  static final Duration QUIET = Duration.ofMillis(300);
  private static final String EXAMPLES = "META-INF/iothub/examples/tutorial/";
  private static final String CLI = "kubectl iothub";
  private static final DateTimeFormatter HH_MM_SS =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final RegionCatalog regions;
  private final Clock clock;
  private final AdjustableClock adjustable;
  private final PrintStream out;
  private final LocalBrokers brokers;
  private TutorialMqtt mqtt;
  private int step;

  /**
   * @param clock the operator's clock
   * @param adjustable the same clock when it can be moved forward, else null (the tutorial then
   *     stops before the failback)
   * @param brokers the brokers' pods when they run as local mosquitto processes (a device then goes
   *     through the failover and the failback over MQTT), or why they do not
   */
  public Tutorial(
      KubernetesClient client,
      RegionCatalog regions,
      Clock clock,
      AdjustableClock adjustable,
      PrintStream out,
      LocalBrokers brokers) {
    this.client = client;
    this.regions = regions;
    this.clock = clock;
    this.adjustable = adjustable;
    this.out = out;
    this.brokers = brokers;
  }

  /** Plays the tutorial; 0 when every step went as the tutorial says. */
  public int run() {
    long started = System.nanoTime();
    mqtt = brokers.local().map(b -> new TutorialMqtt(client, regions, b, out)).orElse(null);
    try {
      intro();
      createHub();
      registerDevices();
      showLocations();
      failover();
      showAfterFailover();
      failbackTooSoon();
      waitAnHour();
      failback();
      showAfterFailback();
      cleanUp();
      out.printf(
          "%nThe tutorial ran in %.1f s.%n", (System.nanoTime() - started) / 1_000_000_000.0);
      onARealCluster();
      return 0;
    } catch (Stop e) {
      out.println();
      out.println("The playground stopped at step " + step + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      if (mqtt != null) {
        mqtt.close();
      }
    }
  }

  private void intro() {
    out.println("iothub playground: the Azure IoT Hub manual failover tutorial, without a cluster");
    out.println("=".repeat(80));
    out.println(Playground.why().intro);
    out.println("embedded API server (in-process, with the iothub.dev CRDs loaded).");
    if (brokers.local().isPresent()) {
      out.println(
          "SIMULATED: a stand-in kubelet marks the broker Deployments available once their");
      out.println(
          "pods run; each pod runs here as a real mosquitto process (mosquitto is installed),");
      out.println(
          "made from the objects the operator wrote: config, certificates, password files.");
      out.println(
          "A device connects over MQTT and TLS, and goes through the failover with the hub.");
    } else {
      out.println(
          "SIMULATED: a stand-in kubelet marks the broker Deployments available; no pod and");
      out.println("no MQTT broker runs: " + brokers.whyNot() + ".");
      out.println(
          "With mosquitto 2 installed (apt-get install mosquitto), a device would also run");
      out.println("over MQTT and reconnect through the failover.");
    }
    out.println("SIMULATED: the playground's clock can be moved forward, so the hour between a");
    out.println("failover and a failback passes in a moment.");
    out.println(Playground.why().onACluster);
  }

  private void createHub() throws InterruptedException {
    heading("Create a resource group and an IoT hub in West US 2");
    command("kubectl apply -f examples/tutorial/00-namespaces.yaml");
    for (HasMetadata ns : load("00-namespaces.yaml")) {
      if (ns instanceof Namespace) {
        client.resource(ns).createOr(r -> r.update());
        String name = ns.getMetadata().getName();
        out.println("namespace/" + name + " created" + namespaceNote(name));
      }
    }
    command("kubectl apply -f examples/tutorial/01-hub.yaml");
    IoTHub hub;
    try (InputStream in = open("01-hub.yaml")) {
      hub = client.getKubernetesSerialization().unmarshal(in, IoTHub.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client.resource(hub).create();
    out.println(
        "iothub.iothub.dev/" + HUB + " created (location " + hub.getSpec().getLocation() + ")");
    List<String> shown = new ArrayList<>();
    IoTHub ready =
        await(
            "the hub to become ready",
            h -> {
              IoTHubStatus s = h.getStatus();
              String line =
                  s == null ? null : "  status: " + s.getState() + ": " + s.getMessage().strip();
              if (line != null && !shown.contains(line)) {
                shown.add(line);
                out.println(line);
              }
              return s != null && Conditions.isTrue(s.getConditions(), "Ready");
            });
    String namespace = region(ready.getStatus().getCurrentLocation().getId()).namespace();
    Optional<LocalMosquittoPods.Endpoint> pod =
        brokers.local().flatMap(b -> b.pod(namespace, HubNames.broker(ready)));
    if (pod.isPresent()) {
      out.println(
          "  (the broker Deployment in "
              + namespace
              + " runs here as mosquitto pid "
              + pod.get().pid()
              + " on 127.0.0.1:"
              + pod.get().port()
              + ", started by the SIMULATED kubelet)");
    } else {
      out.println(
          "  (the broker Deployment in "
              + namespace
              + " is available because the SIMULATED kubelet says so)");
    }
  }

  private void registerDevices() throws InterruptedException {
    heading("Register devices");
    IoTHub hub = hub();
    Region current = region(hub.getStatus().getCurrentLocation().getId());
    String now = Timestamps.format(clock.instant());
    List<DeviceRecord> records = new ArrayList<>(DEVICES);
    for (int i = 1; i <= DEVICES; i++) {
      // Device keys come with the device commands; this stands in for a key's hash.
      records.add(
          new DeviceRecord(String.format("device-%04d", i), true, "playground-no-key-yet", now));
    }
    new RegistryStore(client).write(hub, current, records, clock.instant());
    out.println(
        DEVICES
            + " stand-in device records (device-0001 to device-"
            + String.format("%04d", DEVICES)
            + ") written to the registry in "
            + current.namespace()
            + " in one bulk write:");
    out.println(
        "the registry is "
            + RegistryStore.shardCount(hub)
            + " shard Secrets: one list and a write per shard, however many devices.");
    command("kubectl apply -f examples/tutorial/" + EXAMPLE_DEVICES_FILE);
    List<HasMetadata> examples = load(EXAMPLE_DEVICES_FILE);
    for (HasMetadata d : examples) {
      client.resource(d).create();
      out.println("device.iothub.dev/" + d.getMetadata().getName() + " created");
    }
    for (String name : examples.stream().map(d -> d.getMetadata().getName()).toList()) {
      Device registered =
          awaitObject(
              "device " + name + " to be registered",
              () -> client.resources(Device.class).inNamespace(NAMESPACE).withName(name).get(),
              d -> d.getStatus() != null && Boolean.TRUE.equals(d.getStatus().getRegistered()));
      out.println(
          "  "
              + registered.getStatus().getDeviceId()
              + ": "
              + registered.getStatus().getMessage().strip()
              + " Key in Secret "
              + registered.getStatus().getKeySecretName()
              + ".");
    }
    IoTHub counted =
        await(
            "the operator to count the devices and copy them to the failover region",
            h ->
                h.getStatus().getRegistry() != null
                    && Objects.equals(
                        h.getStatus().getRegistry().getDevices(), (long) DEVICES + examples.size())
                    && h.getStatus().getRegistry().getStandbySyncedAt() != null);
    out.println(
        "The operator counts "
            + counted.getStatus().getRegistry().getDevices()
            + " devices (the "
            + DEVICES
            + " stand-ins and the "
            + examples.size()
            + " Devices above) and keeps a standby copy in "
            + counted.getStatus().getFailoverLocation().getDisplayName()
            + ":");
    out.println("a failover then moves only what changed since the last copy.");
    if (mqtt != null) {
      mqtt.connect(counted);
    }
  }

  private void showLocations() {
    heading("See the hub's current and failover location (portal: Hub > Failover)");
    expect(iothub("", "hub", "show", HUB, "-n", NAMESPACE), ExitCodes.OK);
  }

  private void failover() throws InterruptedException {
    heading("Start the manual failover, typing the hub name to confirm");
    int reconnections = mqtt == null ? 0 : mqtt.reconnections();
    expect(iothub(HUB + "\n", "failover", "start", HUB, "-n", NAMESPACE), ExitCodes.OK);
    expectLocation("westcentralus");
    if (mqtt != null) {
      mqtt.reportReconnection(reconnections, "21.6");
    }
  }

  private void showAfterFailover() throws InterruptedException {
    heading("The hub runs in West Central US");
    settled();
    expect(iothub("", "hub", "show", HUB, "-n", NAMESPACE), ExitCodes.OK);
  }

  private void failbackTooSoon() {
    heading("Try to fail back at once: refused until an hour has passed");
    expect(
        iothub("", "failover", "start", HUB, "-n", NAMESPACE, "--confirm", HUB),
        ExitCodes.REJECTED);
    OperationRecord last = lastRecord();
    if (!"TooSoon".equals(last.getReason())) {
      throw new Stop("the failback was refused for " + last.getReason() + ", not TooSoon");
    }
  }

  private void waitAnHour() {
    heading("Wait an hour");
    Instant allowed = Timestamps.parse(lastRecord().getRetryAfter());
    if (adjustable == null) {
      throw new Stop(
          "the operator reads the system clock, so the playground cannot move time forward (its"
              + " Clock bean must be an AdjustableClock when "
              + OperatorBeans.CLOCK_PROPERTY
              + "="
              + OperatorBeans.ADJUSTABLE
              + ")");
    }
    Instant before = clock.instant();
    Duration by = Duration.between(before, allowed).plusMinutes(1);
    adjustable.advance(by);
    out.println(
        "A failback is allowed from "
            + Timestamps.format(allowed)
            + ". The playground moves its clock forward "
            + ((by.toSeconds() + 59) / 60)
            + " minutes (SIMULATED time: "
            + HH_MM_SS.format(before)
            + " -> "
            + HH_MM_SS.format(clock.instant())
            + " UTC); on a real hub you wait.");
  }

  private void failback() throws InterruptedException {
    heading("Fail back to West US 2, typing the hub name to confirm");
    int reconnections = mqtt == null ? 0 : mqtt.reconnections();
    expect(iothub(HUB + "\n", "failover", "start", HUB, "-n", NAMESPACE), ExitCodes.OK);
    expectLocation("westus2");
    if (mqtt != null) {
      mqtt.reportReconnection(reconnections, "21.7");
    }
  }

  private void showAfterFailback() throws InterruptedException {
    heading("The hub runs in West US 2 again");
    settled();
    expect(iothub("", "hub", "show", HUB, "-n", NAMESPACE), ExitCodes.OK);
    out.println();
    expect(iothub("", "failover", "history", HUB, "-n", NAMESPACE), ExitCodes.OK);
  }

  private void cleanUp() throws InterruptedException {
    heading("Clean up: delete the resource group (portal: Delete resource group)");
    if (mqtt != null) {
      // The device would only retry a broker that is going away.
      mqtt.close();
      mqtt = null;
    }
    IoTHub hub = hub();
    List<Region> both =
        List.of(
            region(hub.getStatus().getCurrentLocation().getId()),
            region(hub.getStatus().getFailoverLocation().getId()));
    new TutorialCleanup(client, out, WAIT).deleteResourceGroup(both);
  }

  private void onARealCluster() {
    out.println();
    out.println("Do the same on a real cluster");
    out.println("-".repeat(80));
    out.println("  kubectl apply -f crds/");
    out.println("  kubectl apply -f examples/tutorial/00-namespaces.yaml");
    out.println("  java -jar target/quarkus-app/quarkus-run.jar &   # the operator, on your kube");
    out.println("                                                   # context (or the Helm chart:");
    out.println("                                                   # docs/operations.md)");
    out.println("  kubectl apply -f examples/tutorial/01-hub.yaml");
    out.println("  kubectl apply -f examples/tutorial/04-devices.yaml");
    out.println(
        "  export PATH=\"$PWD/bin:$PATH\"                     # kubectl iothub: docs/cli.md");
    out.println("  kubectl iothub hub show contoso-hub -n manlfailrg");
    out.println("  kubectl iothub failover start contoso-hub -n manlfailrg   # type contoso-hub");
    out.println(
        "  kubectl iothub failover start contoso-hub -n manlfailrg   # an hour later: failback");
    out.println("  kubectl iothub failover history contoso-hub -n manlfailrg");
    out.println("  kubectl delete namespace manlfailrg                       # clean up");
    out.println("Without the plugin, the same requests are examples/tutorial/02-failover.yaml,");
    out.println(
        "03-failback.yaml (refused at once) and 05-failback-later.yaml (an hour later, under");
    out.println(
        "a new name: a request runs once). The README's \"Quickstart on a real cluster\" has");
    out.println("every command, a device connecting and the clean-up.");
  }

  /** Runs one command of the command line, as a person would type it, on the playground. */
  private int iothub(String typed, String... args) {
    command(CLI + " " + String.join(" ", args));
    if (!typed.isEmpty()) {
      // Nobody types here: say so, so that the echo after the prompt is not mistaken for output.
      out.println(
          "(SIMULATED input: the playground types \"" + typed.strip() + "\" at the prompt below)");
    }
    IoTHubCli cli =
        new IoTHubCli(
            ClusterConnector.shared(client),
            Terminal.transcript(
                new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), out),
            clock,
            CLI);
    int code = cli.execute(args);
    if (code != 0) {
      out.println("(exit code " + code + ")");
    }
    return code;
  }

  private void expect(int code, int expected) {
    if (code != expected) {
      throw new Stop("the command ended with exit code " + code + ", not " + expected);
    }
  }

  private void expectLocation(String id) {
    IoTHub hub = hub();
    String current = hub.getStatus().getCurrentLocation().getId();
    if (!id.equals(current)) {
      throw new Stop("the hub runs in " + current + ", not " + id);
    }
  }

  /**
   * Waits for the hub's status to settle after an operation: the write that completes the operation
   * is followed, a moment later, by one with the fresh quota and Ready condition. Settled means no
   * operation and no write for {@link #QUIET}.
   */
  private void settled() throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    String version = null;
    Instant since = Instant.now();
    while (Instant.now().isBefore(deadline)) {
      IoTHub hub = hub();
      String v = hub.getMetadata().getResourceVersion();
      if (!v.equals(version) || hub.getStatus().getOperation() != null) {
        version = v;
        since = Instant.now();
      } else if (Duration.between(since, Instant.now()).compareTo(QUIET) >= 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new Stop("waited " + WAIT.toSeconds() + " s for the hub's status to settle");
  }

  private OperationRecord lastRecord() {
    List<OperationRecord> history = hub().getStatus().getHistory();
    if (history == null || history.isEmpty()) {
      throw new Stop("the hub has no history");
    }
    return history.get(history.size() - 1);
  }

  private void heading(String title) {
    step++;
    out.println();
    out.println("Step " + step + ". " + title);
    out.println("-".repeat(80));
  }

  private void command(String line) {
    out.println("$ " + line);
  }

  private static String namespaceNote(String name) {
    return switch (name) {
      case NAMESPACE -> "   (the resource group ManlFailRG: it holds the IoTHub)";
      case "iothub-westus2" -> "   (backs the region West US 2)";
      case "iothub-westcentralus" -> "   (backs West Central US, the geo-pair of West US 2)";
      default -> "";
    };
  }

  private IoTHub hub() {
    return client.resources(IoTHub.class).inNamespace(NAMESPACE).withName(HUB).get();
  }

  private Region region(String id) {
    return regions.find(id).orElseThrow(() -> new Stop("region " + id + " is not in the catalog"));
  }

  private IoTHub await(String what, Predicate<IoTHub> done) throws InterruptedException {
    return awaitObject(what, this::hub, h -> h.getStatus() != null && done.test(h));
  }

  private <T> T awaitObject(String what, Supplier<T> read, Predicate<T> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(deadline)) {
      T current = read.get();
      if (current != null && done.test(current)) {
        return current;
      }
      Thread.sleep(50);
    }
    throw new Stop("waited " + WAIT.toSeconds() + " s for " + what);
  }

  private List<HasMetadata> load(String file) {
    try (InputStream in = open(file)) {
      return client.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private InputStream open(String file) {
    InputStream in = Tutorial.class.getClassLoader().getResourceAsStream(EXAMPLES + file);
    if (in == null) {
      throw new Stop("example " + file + " is not packaged; build with mvn package");
    }
    return in;
  }

  /** A step whose outcome is not what the tutorial says. */
  static final class Stop extends RuntimeException {
    Stop(String message) {
      super(message);
    }
  }
}
