package dev.iothub.operator.region;

import dev.iothub.api.v1alpha1.IoTHub;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The regions the operator knows, their geo-pairs and the namespace that backs each. Built from
 * Azure's table, then the operator configuration's overrides; immutable once built.
 */
public final class RegionCatalog {
  public static final String DEFAULT_NAMESPACE_TEMPLATE = "iothub-{region}";
  private static final String REGION_PLACEHOLDER = "{region}";

  private final Map<String, Region> regions;

  private RegionCatalog(Map<String, Region> regions) {
    this.regions = Collections.unmodifiableMap(regions);
  }

  /** Azure's regions, each backed by namespace {@code iothub-<region>}. */
  public static RegionCatalog azureDefaults() {
    return build(DEFAULT_NAMESPACE_TEMPLATE, Map.of());
  }

  /**
   * Azure's table with the given overrides applied. A region that the table lacks is added; it then
   * needs a display name (its id is used otherwise).
   *
   * @param namespaceTemplate namespace of a region whose override names none; {@code {region}}
   *     stands for the region id
   * @throws IllegalArgumentException when a pair names a region that is in neither the table nor
   *     the overrides, or the template lacks {@code {region}}
   */
  public static RegionCatalog build(
      String namespaceTemplate, Map<String, RegionOverride> overrides) {
    if (!namespaceTemplate.contains(REGION_PLACEHOLDER)) {
      throw new IllegalArgumentException(
          "the region namespace template '"
              + namespaceTemplate
              + "' must contain "
              + REGION_PLACEHOLDER
              + ", or two regions would share a namespace");
    }
    Map<String, Region> result = new LinkedHashMap<>();
    for (AzureRegions.Entry e : AzureRegions.ALL) {
      result.put(
          e.id(),
          new Region(
              e.id(),
              e.displayName(),
              Optional.ofNullable(e.pair()),
              namespaceTemplate.replace(REGION_PLACEHOLDER, e.id())));
    }
    overrides.forEach(
        (id, o) -> {
          Region base = result.get(id);
          String displayName = o.displayName().orElse(base != null ? base.displayName() : id);
          Optional<String> pair =
              o.pair().isPresent()
                  ? o.pair().filter(p -> !RegionOverride.NO_PAIR.equals(p))
                  : base != null ? base.pairId() : Optional.empty();
          String namespace =
              o.namespace().orElse(namespaceTemplate.replace(REGION_PLACEHOLDER, id));
          Optional<ClusterRef> cluster =
              o.cluster().isPresent()
                  ? o.cluster()
                  : base != null ? base.cluster() : Optional.empty();
          result.put(id, new Region(id, displayName, pair, namespace, cluster));
        });
    for (Region r : result.values()) {
      // Ids and display names land in hub and request statuses, whose CRDs bound them.
      if (r.id().length() > IoTHub.MAX_REGION_ID_LENGTH) {
        throw new IllegalArgumentException(
            "region id '"
                + r.id()
                + "' is longer than "
                + IoTHub.MAX_REGION_ID_LENGTH
                + " characters");
      }
      if (r.displayName().length() > IoTHub.MAX_DISPLAY_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "the display name of region '"
                + r.id()
                + "' is longer than "
                + IoTHub.MAX_DISPLAY_NAME_LENGTH
                + " characters");
      }
      r.pairId()
          .filter(p -> !result.containsKey(p))
          .ifPresent(
              p -> {
                throw new IllegalArgumentException(
                    "region '" + r.id() + "' is paired with '" + p + "', which is not a region");
              });
      if (r.pairId().filter(r.id()::equals).isPresent()) {
        throw new IllegalArgumentException("region '" + r.id() + "' cannot be its own pair");
      }
      if (r.inAnotherCluster()
          && r.pairId().map(result::get).filter(Region::inAnotherCluster).isPresent()) {
        // The operator acts on the region of its own cluster; with neither, no operator would.
        throw new IllegalArgumentException(
            "region '"
                + r.id()
                + "' and its pair '"
                + r.pairId().get()
                + "' are both in other clusters; one region of a pair must be in the operator's"
                + " own cluster");
      }
    }
    return new RegionCatalog(result);
  }

  public Optional<Region> find(String id) {
    return Optional.ofNullable(id).map(regions::get);
  }

  /** The geo-pair of a region: where a hub created there fails over to. */
  public Optional<Region> pairOf(String id) {
    return find(id).flatMap(Region::pairId).map(regions::get);
  }

  public Collection<Region> all() {
    return regions.values();
  }
}
