package dev.iothub.operator.peer;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryMigration;
import dev.iothub.operator.registry.RegistryMirror;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.registry.RegistrySummary;
import dev.iothub.operator.status.ErrorText;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The standby cluster's copy of a hub's registry, pulled from the cluster that serves it: a
 * metadata LIST of the serving region's shards there, then only the shards whose checksum differs
 * are read and written here (O(changed shards), the per-shard copy of {@link RegistryMigration}).
 * Nothing is written in the other cluster. Reports the registry as the serving side has it, and
 * when the copy here was last equal to it ({@code standbySyncedAt}): the age a promotion reports.
 */
public final class PeerMirror {
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(PeerMirror.class);

  private final KubernetesClient client;
  private final PeerClusters peers;

  public PeerMirror(KubernetesClient client, PeerClusters peers) {
    this.client = client;
    this.peers = peers;
  }

  /**
   * @param peerHub the hub as the serving cluster stores it, as this pass read it; empty when that
   *     cluster did not answer or has no such hub
   * @param serving the region the hub runs in, in another cluster
   * @param standby this cluster's region of the hub
   * @param regionSecrets metadata of the hub's region Secrets here (the informer's)
   */
  public RegistryStatus pull(
      IoTHub hub,
      Optional<IoTHub> peerHub,
      Region serving,
      Region standby,
      List<Secret> regionSecrets,
      Instant now) {
    RegistryStatus stored = hub.getStatus() == null ? null : hub.getStatus().getRegistry();
    RegistryStatus registry = new RegistryStatus();
    registry.setFrozen(false);
    registry.setStandbySyncedAt(stored == null ? null : stored.getStandbySyncedAt());
    if (stored != null) {
      registry.setDevices(stored.getDevices());
      registry.setChecksum(stored.getChecksum());
    }
    Optional<KubernetesClient> reader = peers.reader(serving);
    if (reader.isEmpty()) {
      registry.setStandbyError(
          "The cluster of "
              + serving.displayName()
              + " does not answer (see the PeerReachable condition): the copy is as old as"
              + " standbySyncedAt.");
      return registry;
    }
    if (peerHub.isEmpty()) {
      registry.setStandbyError(
          "IoTHub "
              + hub.getMetadata().getNamespace()
              + "/"
              + hub.getMetadata().getName()
              + " could not be read in the cluster of "
              + serving.displayName()
              + ": apply the same IoTHub there, and let the peer-reader get iothubs in namespace "
              + hub.getMetadata().getNamespace()
              + " (chart: that namespace in hubNamespaces); nothing is copied until then.");
      return registry;
    }
    try {
      Map<Integer, Secret> there = shardsThere(reader.get(), peerHub.get(), serving);
      Map<Integer, Secret> here = RegistryMirror.byIndex(regionSecrets, standby);
      RegistrySummary source = RegistryStore.summarize(there.values());
      registry.setDevices(source.devices());
      registry.setChecksum(source.checksum());
      if (!source.checksum().equals(RegistryStore.summarize(here.values()).checksum())) {
        copy(hub, reader.get(), peerHub.get(), serving, there, standby, here, now);
        registry.setStandbySyncedAt(Timestamps.format(now));
      } else if (registry.getStandbySyncedAt() == null) {
        registry.setStandbySyncedAt(Timestamps.format(now));
      }
    } catch (RuntimeException e) {
      registry.setStandbyError(ErrorText.of(e));
      LOG.warnf(
          "hub %s/%s: the copy from the cluster of %s failed, it is retried: %s",
          hub.getMetadata().getNamespace(),
          hub.getMetadata().getName(),
          serving.id(),
          registry.getStandbyError());
    }
    return registry;
  }

  /**
   * Makes the standby region here hold the serving region's registry of the other cluster: only
   * shards whose checksum differs are read and written, each verified.
   *
   * @param peerHub the hub as the other cluster stores it (its shards carry its uid)
   * @param there the serving region's shards there, by index (metadata)
   * @param here the standby region's shards here, by index (metadata)
   */
  public RegistryMigration.MigrationResult copy(
      IoTHub hub,
      KubernetesClient reader,
      IoTHub peerHub,
      Region serving,
      Map<Integer, Secret> there,
      Region standby,
      Map<Integer, Secret> here,
      Instant now) {
    long t0 = System.nanoTime();
    RegistryMigration.MigrationResult copy =
        new RegistryMigration(client, reader, peerHub)
            .migrate(hub, serving, there, standby, here, now, n -> {});
    if (copy.copiedShards() > 0) {
      LOG.infof(
          "hub %s/%s: pulled %d registry shards (%d devices in all) from the cluster of %s in %d ms",
          hub.getMetadata().getNamespace(),
          hub.getMetadata().getName(),
          copy.copiedShards(),
          copy.devices(),
          serving.id(),
          (System.nanoTime() - t0) / 1_000_000);
    }
    return copy;
  }

  /** The hub's registry shards in a region of the other cluster, by index (metadata only). */
  public static Map<Integer, Secret> shardsThere(
      KubernetesClient reader, IoTHub peerHub, Region region) {
    return new RegistryStore(reader).shardMetadata(peerHub, region);
  }
}
