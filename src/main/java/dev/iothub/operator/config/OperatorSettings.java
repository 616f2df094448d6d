package dev.iothub.operator.config;

import dev.iothub.operator.failover.FailoverPolicy;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.registry.DeviceImportFile;
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
 */
public record OperatorSettings(
    RegionCatalog regions,
    FailoverPolicy failover,
    String clusterDomain,
    Duration retryInitialDelay,
    Duration retryMaxDelay,
    int historyLimit,
    Set<String> watchedRegionNamespaces,
    DeviceImportFile.Limits importLimits) {

  public static OperatorSettings defaults() {
    return new OperatorSettings(
        RegionCatalog.azureDefaults(),
        FailoverPolicy.azureDefaults(),
        "cluster.local",
        Duration.ofSeconds(5),
        Duration.ofMinutes(5),
        20,
        Set.of(),
        DeviceImportFile.Limits.defaults());
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
        importLimits);
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
        importLimits);
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
        importLimits);
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
        limits);
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
        importLimits);
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
        importLimits);
  }
}
