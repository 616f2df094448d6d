package dev.iothub.operator.config;

import dev.iothub.operator.failover.FailoverPolicy;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.region.RegionOverride;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Turns configuration into the plain values the controllers take. */
@ApplicationScoped
public class OperatorBeans {

  @Produces
  @Singleton
  OperatorSettings settings(IoTHubConfig config) {
    Map<String, RegionOverride> overrides = new LinkedHashMap<>();
    config
        .regions()
        .forEach(
            (id, r) ->
                overrides.put(id, new RegionOverride(r.displayName(), r.pair(), r.namespace())));
    IoTHubConfig.Failover f = config.failover();
    return new OperatorSettings(
        RegionCatalog.build(config.regionNamespaceTemplate(), overrides),
        new FailoverPolicy(
            f.maxFailoversPerWindow(),
            f.maxFailbacksPerWindow(),
            f.quotaWindow(),
            f.minInterval(),
            f.stepDeadline()),
        config.clusterDomain(),
        config.retryInitialDelay(),
        config.retryMaxDelay(),
        config.historyLimit(),
        config.watchedRegionNamespaces().orElse(Set.of()));
  }

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
