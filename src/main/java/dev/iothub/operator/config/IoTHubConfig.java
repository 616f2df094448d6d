package dev.iothub.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Operator configuration under {@code iothub.*} (application.properties, env, Helm values). */
@ConfigMapping(prefix = "iothub")
public interface IoTHubConfig {

  /** Namespace that backs a region unless the region names its own; {region} is its id. */
  @WithDefault("iothub-{region}")
  String regionNamespaceTemplate();

  /** Changes to Azure's region table, by region id: display-name, pair (or none), namespace. */
  Map<String, Region> regions();

  /** Namespaces whose broker objects are watched; unset means all namespaces. */
  Optional<Set<String>> watchedRegionNamespaces();

  /** DNS domain of the cluster, for the hub's stable host name. */
  @WithDefault("cluster.local")
  String clusterDomain();

  /** First wait before a hub whose region is not usable is checked again. */
  @WithDefault("PT5S")
  Duration retryInitialDelay();

  /** Longest wait between two checks of a hub whose region is not usable. */
  @WithDefault("PT5M")
  Duration retryMaxDelay();

  /** Most finished operations a hub's status may keep (records are about 1.5 KB at most). */
  int MAX_HISTORY_LIMIT = 50;

  /** Finished operations kept in a hub's status, 1 to {@link #MAX_HISTORY_LIMIT}. */
  @WithDefault("20")
  int historyLimit();

  Failover failover();

  DeviceImport deviceImport();

  Registry registry();

  LeaderElection leaderElection();

  Probe probe();

  /**
   * Hard limits of a DeviceImport's file, which comes from users' Secrets: a file over one is
   * refused (ImportTooLarge) before it can exhaust the operator's memory. The defaults fit a 512
   * MiB heap.
   */
  interface DeviceImport {
    /** Uncompressed bytes of one Secret's file. */
    @WithDefault("16777216")
    long maxSecretBytes();

    /** Lines of one Secret's file, blank lines and comments included. */
    @WithDefault("200000")
    long maxSecretLines();

    /** Device records of one import, across its Secrets. */
    @WithDefault("250000")
    long maxRecords();

    /** Uncompressed bytes of one import, across its Secrets. */
    @WithDefault("67108864")
    long maxBytes();
  }

  /** The device registry's shards. */
  interface Registry {
    /**
     * For tests only: a smaller byte limit of one shard (its compressed records and its password
     * fragment), 1024 up to the default of 921600, so that growth shows at a small fleet.
     */
    Optional<Integer> shardMaxBytes();
  }

  interface Probe {
    /**
     * Whether a failover checks the target's brokers with an MQTT round trip before switching the
     * endpoint to them. Needs network access from the operator to the region's broker Services, so
     * when unset it is on only for an operator running inside the cluster.
     */
    Optional<Boolean> enabled();

    @WithDefault("PT10S")
    Duration timeout();
  }

  interface LeaderElection {
    /** Whether replicas elect a leader on a Lease; only the leader reconciles. */
    @WithDefault("false")
    boolean enabled();

    @WithDefault("iothub-operator-leader")
    String leaseName();

    /** Namespace of the Lease; the operator's own namespace when unset. */
    Optional<String> leaseNamespace();
  }

  interface Region {
    Optional<String> displayName();

    Optional<String> pair();

    Optional<String> namespace();

    /** The other cluster whose namespace backs the region; unset for the operator's own. */
    Optional<Cluster> cluster();
  }

  /** Another cluster, reached with the kubeconfig of a Secret (read when used, never logged). */
  interface Cluster {
    /** Name of the Secret that holds the kubeconfig. */
    String kubeconfigSecret();

    /** Key of the kubeconfig in the Secret. */
    @WithDefault("kubeconfig")
    String kubeconfigKey();

    /** Namespace of the Secret; the operator's own (POD_NAMESPACE) when unset. */
    Optional<String> kubeconfigSecretNamespace();
  }

  Peer peer();

  /** How the operator checks the clusters of regions that are not its own. */
  interface Peer {
    /** How often a hub with a region in another cluster checks that cluster. */
    @WithDefault("PT15S")
    Duration probeInterval();

    /** Connect and request timeout of a call to another cluster. */
    @WithDefault("PT5S")
    Duration timeout();
  }

  interface Failover {
    /** Successful failovers allowed per hub in the quota window. */
    @WithDefault("2")
    int maxFailoversPerWindow();

    /** Successful failbacks allowed per hub in the quota window. */
    @WithDefault("2")
    int maxFailbacksPerWindow();

    @WithDefault("PT24H")
    Duration quotaWindow();

    /** Wait after an operation completes before the next one may start. */
    @WithDefault("PT1H")
    Duration minInterval();

    /** How long one step may take before the operation fails and the hub is put back. */
    @WithDefault("PT5M")
    Duration stepDeadline();

    /**
     * How long the name of a request the hub decided stays refused (AlreadyProcessed) when a
     * request of that name is created again; 1 to 90 days.
     */
    @WithDefault("P30D")
    Duration replayGuard();
  }
}
