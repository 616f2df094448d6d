package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the cluster match the serving plan of a hub: broker objects in both region namespaces and
 * the stable endpoint, skipping a region whose namespace is gone (a failover away from a lost
 * region must not wait for it).
 */
public final class HubRollout {
  private final RegionBrokers brokers;
  private final StableEndpoint endpoint;

  public HubRollout(KubernetesClient client, String clusterDomain) {
    this.brokers = new RegionBrokers(client);
    this.endpoint = new StableEndpoint(client, clusterDomain);
  }

  /** What the rollout saw: the plan, and the region namespaces that do not exist. */
  public record Observed(ServingPlan plan, List<Region> missing) {
    public boolean exists(Region region) {
      return !missing.contains(region);
    }
  }

  public Observed apply(IoTHub hub, HubLocations locations) {
    List<Region> missing = new ArrayList<>();
    for (Region region : List.of(locations.current(), locations.failover())) {
      if (!brokers.namespaceExists(region)) {
        missing.add(region);
      }
    }
    ServingPlan plan = ServingPlan.of(hub, locations);
    for (Region region : List.of(plan.source(), plan.target())) {
      if (!missing.contains(region)) {
        brokers.apply(hub, region, plan.replicasIn(region));
      }
    }
    if (!missing.contains(plan.endpoint())) {
      endpoint.pointAt(hub, plan.endpoint());
    }
    return new Observed(plan, missing);
  }

  public boolean isAvailable(IoTHub hub, Region region, int replicas) {
    return brokers.isAvailable(hub, region, replicas);
  }

  /** The region id the stable endpoint points at now. */
  public String endpointRegion(IoTHub hub) {
    return endpoint.currentTarget(hub);
  }

  public String hostName(IoTHub hub) {
    return endpoint.hostName(hub);
  }

  public void deleteAll(IoTHub hub, Region region) {
    brokers.deleteAll(hub, region);
  }
}
