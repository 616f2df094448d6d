package dev.iothub.testing;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.embedded.EmbeddedApiServer;
import dev.iothub.embedded.SimulatedKubelet;
import dev.iothub.operator.config.AdjustableClock;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.controller.DeviceImportReconciler;
import dev.iothub.operator.controller.DeviceReconciler;
import dev.iothub.operator.controller.FailoverRequestReconciler;
import dev.iothub.operator.controller.IoTHubReconciler;
import dev.iothub.operator.failover.BrokerProbe;
import dev.iothub.operator.metrics.OperatorMetrics;
import dev.iothub.operator.peer.PeerClusters;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The operator's controllers running on the embedded API server (CRDs loaded), with a simulated
 * kubelet and an adjustable clock. {@link #restart()} kills the operator and starts a new instance,
 * as a crashed pod would be replaced.
 */
public final class OperatorHarness implements AutoCloseable {
  public static final Duration FAST_RETRY = Duration.ofMillis(200);

  /**
   * JOSDK's default configuration service logs one INFO line per controller at every operator
   * start, under a logger name with spaces that logging.properties cannot name. Held strongly: JUL
   * keeps loggers only weakly.
   */
  private static final java.util.logging.Logger JOSDK_CONFIGURATION_LOG =
      java.util.logging.Logger.getLogger("Default ConfigurationService implementation");

  static {
    JOSDK_CONFIGURATION_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final EmbeddedApiServer server;
  private final SimulatedKubelet kubelet;
  private final AdjustableClock clock = new AdjustableClock();
  // Prometheus, as in the operator: scrape() gives what GET /q/metrics would serve.
  private final PrometheusMeterRegistry prometheus =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final OperatorMetrics metrics = new OperatorMetrics(prometheus);
  // No brokers run on the embedded server: probing is off unless a test points it at real ones.
  private volatile BrokerProbe probe = BrokerProbe.disabled();
  private final Function<OperatorHarness, List<Object>> reconcilers;
  private OperatorSettings settings;
  private Operator operator;
  // Reconciliations that ran, by kind/namespace/name: JOSDK reports each one to its Metrics.
  private final java.util.concurrent.ConcurrentHashMap<
          String, java.util.concurrent.atomic.LongAdder>
      reconciles = new java.util.concurrent.ConcurrentHashMap<>();

  private OperatorHarness(
      OperatorSettings settings,
      Function<OperatorHarness, List<Object>> reconcilers,
      EmbeddedApiServer server) {
    this.settings = settings;
    this.reconcilers = reconcilers;
    this.server = server;
    this.kubelet = new SimulatedKubelet(server.client()).start();
  }

  /** Starts the operator with every controller of the project and the given settings. */
  /** Starts the API server and kubelet only; the test starts the operator when it wants. */
  public static OperatorHarness withoutOperator(OperatorSettings settings) {
    return new OperatorHarness(
        settings, OperatorHarness::allReconcilers, EmbeddedApiServer.start());
  }

  public static OperatorHarness start(OperatorSettings settings) {
    OperatorHarness h =
        new OperatorHarness(settings, OperatorHarness::allReconcilers, EmbeddedApiServer.start());
    h.startOperator();
    return h;
  }

  /**
   * The operator on an API server that answers what {@code faults} is armed for with errors. The
   * client does not retry 5xx answers itself, so that each injected error reaches the operator.
   */
  public static OperatorHarness start(OperatorSettings settings, ApiFaults faults) {
    OperatorHarness h =
        new OperatorHarness(
            settings, OperatorHarness::allReconcilers, EmbeddedApiServer.start(faults, 0));
    h.startOperator();
    return h;
  }

  public static OperatorHarness start() {
    return start(testSettings());
  }

  /** Default settings with retries fast enough for tests. */
  public static OperatorSettings testSettings() {
    return OperatorSettings.defaults().withRetry(FAST_RETRY, Duration.ofSeconds(1));
  }

  private static List<Object> allReconcilers(OperatorHarness h) {
    PeerClusters peers =
        new PeerClusters(
            h.client(), "default", Duration.ofSeconds(2), Duration.ofSeconds(2), h.clock);
    return List.of(
        new IoTHubReconciler(
            h.settings, h.clock, h.metrics, (hub, region) -> h.probe.probe(hub, region), peers),
        new FailoverRequestReconciler(h.clock),
        new DeviceReconciler(h.settings, h.clock, peers),
        new DeviceImportReconciler(h.settings, h.clock));
  }

  public EmbeddedApiServer server() {
    return server;
  }

  public KubernetesClient client() {
    return server.client();
  }

  public SimulatedKubelet kubelet() {
    return kubelet;
  }

  /** Probes failover targets with this from now on (a real mosquitto, in an IT). */
  public void probeWith(BrokerProbe probe) {
    this.probe = probe;
  }

  public OperatorMetrics metrics() {
    return metrics;
  }

  /** The metrics in Prometheus' text format, as the operator's /q/metrics serves them. */
  public String scrape() {
    return prometheus.scrape();
  }

  public AdjustableClock clock() {
    return clock;
  }

  public OperatorSettings settings() {
    return settings;
  }

  public void createNamespaces(String... names) {
    server.createNamespaces(List.of(names));
  }

  /** Stops the operator as a crash would and starts a fresh instance on the same API server. */
  public void restart() {
    stopOperator();
    startOperator();
  }

  public void stopOperator() {
    operator.stop();
    operator = null;
  }

  /** Starts a new operator instance (with fresh informers and caches). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void startOperator() {
    operator =
        new Operator(
            o ->
                o.withKubernetesClient(server.client())
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withReconciliationTerminationTimeout(Duration.ofSeconds(2))
                    .withMetrics(new ReconcileCounter()));
    for (Object r : reconcilers.apply(this)) {
      operator.register((io.javaoperatorsdk.operator.api.reconciler.Reconciler) r);
    }
    operator.start();
  }

  /** How many reconciliations of this object ran since the harness started. */
  public long reconciles(String kind, String namespace, String name) {
    var n = reconciles.get(kind + "/" + namespace + "/" + name);
    return n == null ? 0 : n.sum();
  }

  /** How many reconciliations of objects of this kind ran since the harness started. */
  public long reconciles(String kind) {
    return reconciles.entrySet().stream()
        .filter(e -> e.getKey().startsWith(kind + "/"))
        .mapToLong(e -> e.getValue().sum())
        .sum();
  }

  private final class ReconcileCounter
      implements io.javaoperatorsdk.operator.api.monitoring.Metrics {
    @Override
    public void reconciliationExecutionStarted(
        io.fabric8.kubernetes.api.model.HasMetadata resource, java.util.Map<String, Object> meta) {
      String key =
          resource.getKind()
              + "/"
              + resource.getMetadata().getNamespace()
              + "/"
              + resource.getMetadata().getName();
      reconciles.computeIfAbsent(key, k -> new java.util.concurrent.atomic.LongAdder()).increment();
    }
  }

  /** Loads a fixture YAML from the test classpath. */
  public <T> T load(String resource, Class<T> type) {
    try (InputStream in = OperatorHarness.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + resource);
      }
      return client().getKubernetesSerialization().unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the API server has answered nothing new for a second. */
  public void awaitQuiet(Duration atMost) {
    long[] last = {-1, 0}; // the count, and since when it stands
    org.awaitility.Awaitility.await()
        .atMost(atMost)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              int now = server.requestCount();
              long at = System.nanoTime();
              if (now != last[0]) {
                last[0] = now;
                last[1] = at;
                return false;
              }
              return Duration.ofNanos(at - last[1]).compareTo(Duration.ofSeconds(1)) >= 0;
            });
  }

  public IoTHub hub(String namespace, String name) {
    return client().resources(IoTHub.class).inNamespace(namespace).withName(name).get();
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.stop();
    }
    kubelet.close();
    server.close();
  }
}
