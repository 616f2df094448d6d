package dev.iothub.operator.region;

import java.util.Objects;
import java.util.Optional;

/**
 * One region of the catalog: its id ({@code westus2}), display name ({@code West US 2}), the
 * namespace that backs it, and its geo-pair, if it has one. Pairs may be one-way.
 */
public record Region(String id, String displayName, Optional<String> pairId, String namespace) {
  public Region {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(pairId, "pairId");
    Objects.requireNonNull(namespace, "namespace");
  }
}
