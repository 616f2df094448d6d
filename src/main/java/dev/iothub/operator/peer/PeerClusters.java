package dev.iothub.operator.peer;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.region.ClusterRef;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clusters of regions that are not in the operator's own: a client for each, built from the
 * kubeconfig of its Secret (read again at every check, so renewed credentials take effect), and
 * whether it answers. A check lists the region's broker Deployments, the least a peer-reader may
 * do; its verdict is kept for half the probe interval, so that many hubs of one peer cost one call.
 */
public final class PeerClusters implements AutoCloseable {
  private final KubernetesClient local;
  private final String operatorNamespace;
  private final Duration timeout;
  private final Duration keep;
  private final Duration probeInterval;
  private final Clock clock;
  private final Map<String, Built> clients = new ConcurrentHashMap<>();
  private final Map<String, Checked> checks = new ConcurrentHashMap<>();

  private record Built(String resourceVersion, KubernetesClient client, PeerReach named) {}

  private record Checked(Instant at, PeerReach reach) {}

  /**
   * @param operatorNamespace where a Secret that names no namespace is read
   * @param timeout connect and request timeout of a call to a peer
   * @param probeInterval how often hubs check their peers; a verdict is reused for half of it
   */
  public PeerClusters(
      KubernetesClient local,
      String operatorNamespace,
      Duration timeout,
      Duration probeInterval,
      Clock clock) {
    this.local = local;
    this.operatorNamespace = operatorNamespace;
    this.timeout = timeout;
    this.keep = probeInterval.dividedBy(2);
    this.probeInterval = probeInterval;
    this.clock = clock;
  }

  /** How often a hub with a region in another cluster checks it. */
  public Duration probeInterval() {
    return probeInterval;
  }

  /** Whether the region's cluster answers; {@code region} must be in another cluster. */
  public PeerReach reach(Region region) {
    ClusterRef ref = region.cluster().orElseThrow();
    String key = clientKey(ref) + "@" + region.namespace();
    Instant now = clock.instant();
    Checked last = checks.get(key);
    if (last != null && now.isBefore(last.at().plus(keep))) {
      return last.reach();
    }
    PeerReach reach = check(ref, region.namespace());
    checks.put(key, new Checked(now, reach));
    return reach;
  }

  /**
   * The client of the region's cluster when its last check found it reachable: for reads only (this
   * operator writes nothing in another cluster).
   */
  public Optional<KubernetesClient> reader(Region region) {
    if (!reach(region).reachable()) {
      return Optional.empty();
    }
    Built built = clients.get(clientKey(region.cluster().orElseThrow()));
    return Optional.ofNullable(built).map(Built::client);
  }

  /**
   * The same hub (namespace and name) as the region's cluster stores it, or empty when that cluster
   * does not answer or has no such hub: another operator's view of the hub, read never written.
   */
  public Optional<IoTHub> peerHub(Region region, IoTHub hub) {
    try {
      return reader(region)
          .map(
              c ->
                  c.resources(IoTHub.class)
                      .inNamespace(hub.getMetadata().getNamespace())
                      .withName(hub.getMetadata().getName())
                      .get());
    } catch (KubernetesClientException e) {
      return Optional.empty();
    }
  }

  private PeerReach check(ClusterRef ref, String namespace) {
    String secretName = secretName(ref);
    Secret secret;
    try {
      secret =
          local
              .secrets()
              .inNamespace(ref.secretNamespace().orElse(operatorNamespace))
              .withName(ref.secretName())
              .get();
    } catch (KubernetesClientException e) {
      return unread(
          secretName,
          PeerReach.Verdict.KubeconfigSecretMissing,
          "The operator cannot read Secret "
              + secretName
              + " ("
              + PeerErrors.describe(e)
              + "). It needs get on that Secret: the chart grants it for each"
              + " regions.overrides.<region>.cluster.kubeconfigSecret.");
    }
    if (secret == null) {
      return unread(
          secretName,
          PeerReach.Verdict.KubeconfigSecretMissing,
          "Secret "
              + secretName
              + " does not exist. Create it with the kubeconfig of the other cluster under key "
              + ref.key()
              + " (kubectl create secret generic ... --from-file="
              + ref.key()
              + "=<file>).");
    }
    Built built = client(ref, secret);
    if (built.client() == null) {
      return built.named();
    }
    PeerReach named = built.named();
    try {
      built
          .client()
          .apps()
          .deployments()
          .inNamespace(namespace)
          .withLabel(HubNames.MANAGED_BY, HubNames.OPERATOR)
          .list(new ListOptionsBuilder().withLimit(1L).build());
      return new PeerReach(
          named.cluster(),
          named.server(),
          secretName,
          PeerReach.Verdict.Reachable,
          "Cluster " + named.cluster() + " (" + named.server() + ") answers.");
    } catch (KubernetesClientException e) {
      return PeerErrors.verdict(named, namespace, e);
    }
  }

  /** The client of the Secret's current kubeconfig; a changed Secret replaces it. */
  private Built client(ClusterRef ref, Secret secret) {
    String key = clientKey(ref);
    String version = secret.getMetadata().getResourceVersion();
    Built cached = clients.get(key);
    if (cached != null && version != null && version.equals(cached.resourceVersion())) {
      return cached;
    }
    Built fresh = build(ref, secret, version);
    Built before = clients.put(key, fresh);
    if (before != null && before.client() != null) {
      before.client().close();
    }
    return fresh;
  }

  private Built build(ClusterRef ref, Secret secret, String version) {
    String secretName = secretName(ref);
    String encoded = secret.getData() == null ? null : secret.getData().get(ref.key());
    if (encoded == null) {
      return new Built(
          version,
          null,
          unread(
              secretName,
              PeerReach.Verdict.KubeconfigInvalid,
              "Secret " + secretName + " has no key " + ref.key() + ". Put the kubeconfig there."));
    }
    Config config;
    try {
      config =
          Config.fromKubeconfig(
              new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      // The parser's message may quote the file, credentials included: say only where it is.
      return new Built(
          version,
          null,
          unread(
              secretName,
              PeerReach.Verdict.KubeconfigInvalid,
              "The kubeconfig in Secret "
                  + secretName
                  + " (key "
                  + ref.key()
                  + ") cannot be read as a kubeconfig. Check it with kubectl --kubeconfig=<file>"
                  + " get ns, then put it in the Secret again."));
    }
    int millis = (int) timeout.toMillis();
    config.setConnectionTimeout(millis);
    config.setRequestTimeout(millis);
    // A check answers now or says the peer is unreachable; the next check is the retry.
    config.setRequestRetryBackoffLimit(0);
    String cluster =
        config.getCurrentContext() == null
            ? PeerReach.hostOf(config.getMasterUrl())
            : config.getCurrentContext().getName();
    return new Built(
        version,
        new KubernetesClientBuilder().withConfig(config).build(),
        new PeerReach(
            cluster,
            PeerReach.hostOf(config.getMasterUrl()),
            secretName,
            PeerReach.Verdict.Reachable,
            null));
  }

  /** A verdict reached before any call to the cluster: it has no name or server yet. */
  private static PeerReach unread(String secretName, PeerReach.Verdict verdict, String message) {
    return new PeerReach(null, null, secretName, verdict, message);
  }

  /** One client per kubeconfig: the Secret and its key. */
  private String clientKey(ClusterRef ref) {
    return secretName(ref) + "/" + ref.key();
  }

  private String secretName(ClusterRef ref) {
    return ref.secretNamespace().orElse(operatorNamespace) + "/" + ref.secretName();
  }

  @Override
  public void close() {
    clients.values().stream().map(Built::client).filter(c -> c != null).forEach(c -> c.close());
    clients.clear();
  }
}
