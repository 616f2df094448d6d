package dev.iothub.operator.config;

import dev.iothub.operator.failover.BrokerProbe;
import dev.iothub.operator.failover.FailoverPolicy;
import dev.iothub.operator.failover.MqttBrokerProbe;
import dev.iothub.operator.metrics.OperatorMetrics;
import dev.iothub.operator.peer.PeerClusters;
import dev.iothub.operator.region.ClusterRef;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.region.RegionOverride;
import dev.iothub.operator.registry.DeviceImportFile;
import dev.iothub.operator.registry.ShardLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Turns configuration into the plain values the controllers take. */
@ApplicationScoped
public class OperatorBeans {
  /**
   * System property that the playground sets to {@value #ADJUSTABLE} before Quarkus starts, so that
   * the operator's Clock bean is an {@link AdjustableClock} it can move forward.
   */
  public static final String CLOCK_PROPERTY = "dev.iothub.playground.clock";

  public static final String ADJUSTABLE = "adjustable";

  /** Hub name (50), namespace (63), ".svc." and this stay within a DNS name's 253 characters. */
  static final int MAX_CLUSTER_DOMAIN_LENGTH = 128;

  @Produces
  @Singleton
  OperatorSettings settings(IoTHubConfig config) {
    Map<String, RegionOverride> overrides = new LinkedHashMap<>();
    config
        .regions()
        .forEach(
            (id, r) ->
                overrides.put(
                    id,
                    new RegionOverride(
                        r.displayName(),
                        r.pair(),
                        r.namespace(),
                        r.cluster()
                            .map(
                                c ->
                                    new ClusterRef(
                                        c.kubeconfigSecret(),
                                        c.kubeconfigKey(),
                                        c.kubeconfigSecretNamespace())))));
    IoTHubConfig.Failover f = config.failover();
    if (config.historyLimit() < 1 || config.historyLimit() > IoTHubConfig.MAX_HISTORY_LIMIT) {
      // Each record is bounded; their number bounds the hub's status under the object size limit.
      throw new IllegalArgumentException(
          "iothub.history-limit is "
              + config.historyLimit()
              + "; it must be between 1 and "
              + IoTHubConfig.MAX_HISTORY_LIMIT);
    }
    for (int max : new int[] {f.maxFailoversPerWindow(), f.maxFailbacksPerWindow()}) {
      // The successes of the window always stay in the history: this bounds them too.
      if (max < 0 || max > FailoverPolicy.MAX_OPERATIONS_PER_WINDOW) {
        throw new IllegalArgumentException(
            "iothub.failover.max-failovers-per-window and max-failbacks-per-window must be"
                + " between 0 and "
                + FailoverPolicy.MAX_OPERATIONS_PER_WINDOW
                + "; one is "
                + max);
      }
    }
    if (f.replayGuard().compareTo(java.time.Duration.ofDays(1)) < 0
        || f.replayGuard().compareTo(FailoverPolicy.MAX_REPLAY_GUARD) > 0) {
      throw new IllegalArgumentException(
          "iothub.failover.replay-guard is "
              + f.replayGuard()
              + "; it must be between P1D and "
              + FailoverPolicy.MAX_REPLAY_GUARD);
    }
    if (config.clusterDomain().length() > MAX_CLUSTER_DOMAIN_LENGTH) {
      // The hub's host name (<hub>.<namespace>.svc.<domain>) is a DNS name in the hub's status.
      throw new IllegalArgumentException(
          "iothub.cluster-domain is longer than " + MAX_CLUSTER_DOMAIN_LENGTH + " characters");
    }
    return new OperatorSettings(
        RegionCatalog.build(config.regionNamespaceTemplate(), overrides),
        new FailoverPolicy(
            f.maxFailoversPerWindow(),
            f.maxFailbacksPerWindow(),
            f.quotaWindow(),
            f.minInterval(),
            f.stepDeadline(),
            f.replayGuard()),
        config.clusterDomain(),
        config.retryInitialDelay(),
        config.retryMaxDelay(),
        config.historyLimit(),
        config.watchedRegionNamespaces().orElse(Set.of()),
        importLimits(config.deviceImport()),
        config.registry().shardMaxBytes().map(ShardLimits::of).orElse(ShardLimits.DEFAULTS));
  }

  private static DeviceImportFile.Limits importLimits(IoTHubConfig.DeviceImport limits) {
    // The record refuses a limit below 1; say which property it came from.
    try {
      return new DeviceImportFile.Limits(
          limits.maxSecretBytes(), limits.maxSecretLines(), limits.maxRecords(), limits.maxBytes());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "iothub.device-import.max-secret-bytes, max-secret-lines, max-records and max-bytes"
              + " must each be at least 1",
          e);
    }
  }

  /**
   * Quarkus Operator SDK takes leader election from a bean of this type; null turns it off, which
   * is the default so that the embedded API server (which cannot answer the Lease permission check)
   * and single-replica installs work without a Lease.
   */
  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(IoTHubConfig config) {
    IoTHubConfig.LeaderElection election = config.leaderElection();
    if (!election.enabled()) {
      return null;
    }
    LeaderElectionConfigurationBuilder builder =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(election.leaseName());
    election.leaseNamespace().ifPresent(builder::withLeaseNamespace);
    return builder.build();
  }

  @Produces
  @Singleton
  OperatorMetrics metrics(MeterRegistry registry) {
    return new OperatorMetrics(registry);
  }

  @Produces
  @Singleton
  BrokerProbe probe(IoTHubConfig config, KubernetesClient client) {
    // Outside the cluster (a laptop, CI) the region Services' names do not resolve.
    boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null;
    return config.probe().enabled().orElse(inCluster)
        ? new MqttBrokerProbe(client, config.clusterDomain(), config.probe().timeout())
        : BrokerProbe.disabled();
  }

  /** Reaches the clusters of regions in other clusters through their kubeconfig Secrets. */
  @Produces
  @Singleton
  PeerClusters peers(IoTHubConfig config, KubernetesClient client, Clock clock) {
    // The chart's downward API gives the pod its namespace; outside a pod, the kubeconfig's.
    String namespace = System.getenv("POD_NAMESPACE");
    if (namespace == null || namespace.isBlank()) {
      namespace = client.getNamespace() == null ? "default" : client.getNamespace();
    }
    return new PeerClusters(
        client, namespace, config.peer().timeout(), config.peer().probeInterval(), clock);
  }

  void closePeers(@jakarta.enterprise.inject.Disposes PeerClusters peers) {
    peers.close();
  }

  /** The playground (no cluster) moves its clock forward to play the one-hour wait. */
  @Produces
  @Singleton
  Clock clock() {
    return ADJUSTABLE.equals(System.getProperty(CLOCK_PROPERTY))
        ? new AdjustableClock()
        : Clock.systemUTC();
  }
}
