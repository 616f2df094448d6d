package dev.iothub.operator.config;

import dev.iothub.operator.failover.FailoverPolicy;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.registry.DeviceImportFile;
import dev.iothub.operator.registry.ShardLimits;
import java.time.Duration;
import java.util.Set;

/**
 * Everything the controllers take from configuration, as plain values, so that tests build it in a
 * line and production builds it from {@link IoTHubConfig}.
 *
 * @param watchedRegionNamespaces namespaces whose broker objects the operator watches; empty means
 *     every namespace (which needs cluster-wide read access)
 * @param historyLimit finished operations kept in a hub's status
 * @param importLimits hard limits of one DeviceImport's file
 * @param shardLimits how large one registry shard may grow (smaller only in tests)
 */
public record OperatorSettings(
    RegionCatalog regions,
    FailoverPolicy failover,
    String clusterDomain,
    Duration retryInitialDelay,
    Duration retryMaxDelay,
    int historyLimit,
    Set<String> watchedRegionNamespaces,
    DeviceImportFile.Limits importLimits,
    ShardLimits shardLimits) {

  public static OperatorSettings defaults() {
    return new OperatorSettings(
        RegionCatalog.azureDefaults(),
        FailoverPolicy.azureDefaults(),
        "cluster.local",
        Duration.ofSeconds(5),
        Duration.ofMinutes(5),
        20,
        Set.of(),
        DeviceImportFile.Limits.defaults(),
        ShardLimits.DEFAULTS);
  }

  public OperatorSettings withFailover(FailoverPolicy policy) {
    return new OperatorSettings(
        regions,
        policy,
        clusterDomain,
        retryInitialDelay,
        retryMaxDelay,
        historyLimit,
        watchedRegionNamespaces,
        importLimits,
        shardLimits);
  }

  public OperatorSettings withRetry(Duration initial, Duration max) {
    return new OperatorSettings(
        regions,
        failover,
        clusterDomain,
        initial,
        max,
        historyLimit,
        watchedRegionNamespaces,
        importLimits,
        shardLimits);
  }

  public OperatorSettings withRegions(RegionCatalog catalog) {
    return new OperatorSettings(
        catalog,
        failover,
        clusterDomain,
        retryInitialDelay,
        retryMaxDelay,
        historyLimit,
        watchedRegionNamespaces,
        importLimits,
        shardLimits);
  }

  public OperatorSettings withImportLimits(DeviceImportFile.Limits limits) {
    return new OperatorSettings(
        regions,
        failover,
        clusterDomain,
        retryInitialDelay,
        retryMaxDelay,
        historyLimit,
        watchedRegionNamespaces,
        limits,
        shardLimits);
  }

  public OperatorSettings withHistoryLimit(int limit) {
    return new OperatorSettings(
        regions,
        failover,
        clusterDomain,
        retryInitialDelay,
        retryMaxDelay,
        limit,
        watchedRegionNamespaces,
        importLimits,
        shardLimits);
  }

  public OperatorSettings withWatchedRegionNamespaces(Set<String> namespaces) {
    return new OperatorSettings(
        regions,
        failover,
        clusterDomain,
        retryInitialDelay,
        retryMaxDelay,
        historyLimit,
        namespaces,
        importLimits,
        shardLimits);
  }

  public OperatorSettings withShardLimits(ShardLimits limits) {
    return new OperatorSettings(
        regions,
        failover,
        clusterDomain,
        retryInitialDelay,
        retryMaxDelay,
        historyLimit,
        watchedRegionNamespaces,
        importLimits,
        limits);
  }
}
