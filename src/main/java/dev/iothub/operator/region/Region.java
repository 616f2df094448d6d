package dev.iothub.operator.region;

import java.util.Objects;
import java.util.Optional;

/**
 * One region of the catalog: its id ({@code westus2}), display name ({@code West US 2}), the
 * namespace that backs it, its geo-pair, if it has one, and the cluster of that namespace: empty
 * for the operator's own cluster. Pairs may be one-way.
 */
public record Region(
    String id,
    String displayName,
    Optional<String> pairId,
    String namespace,
    Optional<ClusterRef> cluster) {
  public Region {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(pairId, "pairId");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(cluster, "cluster");
  }

  /** A region backed by a namespace of the operator's own cluster. */
  public Region(String id, String displayName, Optional<String> pairId, String namespace) {
    this(id, displayName, pairId, namespace, Optional.empty());
  }

  /** Whether the region's namespace is in another cluster: this operator writes nothing there. */
  public boolean inAnotherCluster() {
    return cluster.isPresent();
  }
}
