package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.ObjectReads;
import dev.iothub.operator.region.HubLocations;
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
  private final BrokerAuth auth;
  private final PublicEndpoint publicEndpoint;

  public HubRollout(KubernetesClient client, String clusterDomain) {
    this(client, clusterDomain, ObjectReads.direct(client));
  }

  /** With {@code reads} from the controller's caches for the objects it watches. */
  public HubRollout(KubernetesClient client, String clusterDomain, ObjectReads reads) {
    this(client, clusterDomain, reads, null);
  }

  /**
   * With {@code reads} from the controller's caches and {@code memory}, what passes before read
   * (see {@link HubMemory}), or null to read everything on every pass.
   */
  public HubRollout(
      KubernetesClient client, String clusterDomain, ObjectReads reads, HubMemory memory) {
    this.brokers = new RegionBrokers(client, reads, memory);
    this.endpoint = new StableEndpoint(client, clusterDomain);
    this.auth = new BrokerAuth(client, endpoint, reads, memory);
    this.publicEndpoint = new PublicEndpoint(client, reads);
  }

  /**
   * Renders what the brokers of both regions need to authenticate devices, before they start.
   *
   * @param regionSecrets the metadata of a region's registry shards and rendered fragments (from
   *     the informer cache, or a paged metadata LIST): never the shards' records
   */
  public void applyAuth(
      IoTHub hub,
      HubLocations locations,
      java.util.function.Function<Region, List<io.fabric8.kubernetes.api.model.Secret>>
          regionSecrets,
      java.time.Instant now) {
    applyAuthIn(
        hub, locations, List.of(locations.primary(), locations.secondary()), regionSecrets, now);
  }

  /**
   * {@link #applyAuth} in {@code renderIn} only; the certificate still names both regions. A
   * failover renders its target alone: the source's fragments already match its shards, and the
   * source is about to be scaled to 0 (re-rendering it cost a LIST of its Secrets, and a write per
   * empty shard the fence created there).
   */
  public void applyAuthIn(
      IoTHub hub,
      HubLocations locations,
      List<Region> renderIn,
      java.util.function.Function<Region, List<io.fabric8.kubernetes.api.model.Secret>>
          regionSecrets,
      java.time.Instant now) {
    List<Region> regions = List.of(locations.primary(), locations.secondary());
    BrokerAuth.HubSecrets secrets = auth.ensureHubSecrets(hub, regions, now);
    for (Region region : renderIn) {
      if (!brokers.namespaceExists(region)) {
        continue;
      }
      List<io.fabric8.kubernetes.api.model.Secret> inRegion = regionSecrets.apply(region);
      auth.apply(hub, region, secrets, ofComponent(inRegion, BrokerAuth.COMPONENT));
    }
  }

  private static List<io.fabric8.kubernetes.api.model.Secret> ofComponent(
      List<io.fabric8.kubernetes.api.model.Secret> secrets, String component) {
    return secrets.stream()
        .filter(s -> s.getMetadata().getLabels() != null)
        .filter(s -> component.equals(s.getMetadata().getLabels().get(HubNames.COMPONENT)))
        .toList();
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

  /**
   * Publishes the hub's public host name for {@code serving}, or withdraws this cluster's record
   * (see {@link PublicEndpoint}); null for a hub without one.
   */
  public PublicEndpoint.Verdict publish(
      IoTHub hub, Region serving, io.fabric8.kubernetes.api.model.Condition before) {
    return publicEndpoint.apply(hub, serving, before);
  }

  /** See {@link BrokerAuth#adoptCertificateAuthority}. */
  public boolean adoptCertificateAuthority(
      IoTHub hub, io.fabric8.kubernetes.client.KubernetesClient peer) {
    return auth.adoptCertificateAuthority(hub, peer);
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
