package dev.iothub.operator.region;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import java.util.Optional;

/**
 * The two regions of a hub and which one it runs in. The pair is fixed when the hub is created:
 * once the status names both regions, a later change of the catalog's pairs does not move the hub.
 */
public record HubLocations(Region primary, Region secondary, Region current) {

  /** The region a failover (or failback) would move the hub to. */
  public Region failover() {
    return current.equals(primary) ? secondary : primary;
  }

  public boolean runsInPrimary() {
    return current.equals(primary);
  }

  public static LocationRef ref(Region region) {
    return new LocationRef(region.id(), region.displayName());
  }

  /** Why a hub's locations cannot be resolved: a CamelCase reason and a sentence to act on. */
  public record Problem(String reason, String message) {}

  /** Either the locations or the problem. */
  public record Resolution(HubLocations locations, Problem problem) {}

  public static Resolution resolve(IoTHub hub, RegionCatalog catalog) {
    String location = hub.getSpec().getLocation();
    Optional<Region> primary = catalog.find(location);
    if (primary.isEmpty()) {
      return new Resolution(
          null,
          new Problem(
              "UnknownLocation",
              "Location '"
                  + location
                  + "' is not a known region. Use a region id such as westus2, or add the region"
                  + " to the operator's region catalog (iothub.regions)."));
    }
    Optional<Region> secondary = recordedSecondary(hub.getStatus(), primary.get(), catalog);
    if (secondary.isEmpty()) {
      secondary = catalog.pairOf(location);
    }
    if (secondary.isEmpty()) {
      return new Resolution(
          null,
          new Problem(
              "LocationNotPaired",
              primary.get().displayName()
                  + " ("
                  + location
                  + ") has no geo-pair, so a hub there cannot fail over. Create the hub in a paired"
                  + " region, or configure a pair for it in the operator's region catalog."));
    }
    Region current = primary.get();
    IoTHubStatus status = hub.getStatus();
    if (status != null
        && status.getCurrentLocation() != null
        && secondary.get().id().equals(status.getCurrentLocation().getId())) {
      current = secondary.get();
    }
    return new Resolution(new HubLocations(primary.get(), secondary.get(), current), null);
  }

  private static Optional<Region> recordedSecondary(
      IoTHubStatus status, Region primary, RegionCatalog catalog) {
    if (status == null
        || status.getPrimaryLocation() == null
        || !primary.id().equals(status.getPrimaryLocation().getId())) {
      return Optional.empty();
    }
    for (LocationRef ref :
        new LocationRef[] {status.getCurrentLocation(), status.getFailoverLocation()}) {
      if (ref != null && ref.getId() != null && !ref.getId().equals(primary.id())) {
        return catalog.find(ref.getId());
      }
    }
    return Optional.empty();
  }
}
