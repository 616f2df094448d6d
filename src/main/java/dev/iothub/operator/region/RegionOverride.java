package dev.iothub.operator.region;

import java.util.Optional;

/**
 * Operator configuration for one region: changes a region of the built-in table or adds a new one.
 * A {@code pair} of {@code none} removes the region's geo-pair; a {@code cluster} puts the region's
 * namespace in another cluster.
 */
public record RegionOverride(
    Optional<String> displayName,
    Optional<String> pair,
    Optional<String> namespace,
    Optional<ClusterRef> cluster) {
  public static final String NO_PAIR = "none";

  public RegionOverride(
      Optional<String> displayName, Optional<String> pair, Optional<String> namespace) {
    this(displayName, pair, namespace, Optional.empty());
  }

  public static RegionOverride pairedWith(String pair) {
    return new RegionOverride(Optional.empty(), Optional.of(pair), Optional.empty());
  }
}
