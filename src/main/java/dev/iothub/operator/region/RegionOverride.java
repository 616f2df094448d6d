package dev.iothub.operator.region;

import java.util.Optional;

/**
 * Operator configuration for one region: changes a region of the built-in table or adds a new one.
 * A {@code pair} of {@code none} removes the region's geo-pair.
 */
public record RegionOverride(
    Optional<String> displayName, Optional<String> pair, Optional<String> namespace) {
  public static final String NO_PAIR = "none";

  public static RegionOverride pairedWith(String pair) {
    return new RegionOverride(Optional.empty(), Optional.of(pair), Optional.empty());
  }
}
