package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.status.ErrorText;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps the standby region a copy of the current region's registry while no operation runs (only
 * shards whose annotations differ in the informer's metadata are read and copied: one Device change
 * costs one shard read and one write), so that a failover moves little and a failover away from a
 * lost region serves a recent copy, and reports the registry for the hub's status from the shard
 * metadata the hub controller's informer holds.
 */
public final class RegistryMirror {
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(RegistryMirror.class);
  private final KubernetesClient client;

  public RegistryMirror(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @param shards metadata of the hub's region Secrets (registry shards among them)
   * @param frozen an operation runs, or ended in this pass: copy nothing, open no fence
   */
  public RegistryStatus observe(
      IoTHub hub,
      Region current,
      Region standby,
      boolean currentExists,
      boolean standbyExists,
      List<Secret> shards,
      boolean frozen,
      Instant now) {
    RegistrySummary here = summarize(shards, hub, current);
    RegistrySummary there = summarize(shards, hub, standby);
    RegistryStatus stored = hub.getStatus() == null ? null : hub.getStatus().getRegistry();
    String syncedAt = stored == null ? null : stored.getStandbySyncedAt();
    if (!frozen) {
      // Desired state: with no operation, writers change the current region and no other (after
      // a restart, or a split that closed the fence in the pass before).
      RegistryFence.openTo(hub, current);
    }
    if (!frozen && currentExists && inRegion(shards, current).anyMatch(RegistryStore::isFrozen)) {
      // Marks of an older release's fence: lift them so devices can register.
      new RegistryStore(client).unfreeze(hub, current);
    }
    if (!frozen && standbyExists && inRegion(shards, standby).anyMatch(RegistryStore::isFrozen)) {
      new RegistryStore(client).unfreeze(hub, standby);
    }
    String standbyError = null;
    if (!frozen && currentExists && standbyExists) {
      if (!here.checksum().equals(there.checksum())) {
        try {
          // Planned from the informer's metadata: only the shards that differ are read and written.
          long t0 = System.nanoTime();
          RegistryMigration.MigrationResult copy =
              new RegistryMigration(client)
                  .migrate(
                      hub,
                      current,
                      byIndex(shards, current),
                      standby,
                      byIndex(shards, standby),
                      now,
                      n -> {});
          syncedAt = Timestamps.format(now);
          // A Device change copies one shard: only larger copies (a standby rebuilt, a fleet
          // imported) are worth a line at INFO.
          LOG.logf(
              copy.copiedShards() > 1
                  ? org.jboss.logging.Logger.Level.INFO
                  : org.jboss.logging.Logger.Level.DEBUG,
              "hub %s/%s: copied %d registry shards (%d devices in all) to %s in %d ms",
              hub.getMetadata().getNamespace(),
              hub.getMetadata().getName(),
              copy.copiedShards(),
              copy.devices(),
              standby.id(),
              (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
          // The hub serves without it; the standby stays as old as it is, and says why.
          standbyError = ErrorText.of(e);
          LOG.warnf(
              "hub %s/%s: the registry copy to %s failed, it is retried: %s",
              hub.getMetadata().getNamespace(),
              hub.getMetadata().getName(),
              standby.id(),
              standbyError);
        }
      } else if (syncedAt == null) {
        // Found equal (both empty, or a status lost): written as of now. An equal copy is not
        // confirmed again: moving the time each pass was a status write per hub and pass.
        syncedAt = Timestamps.format(now);
      }
    }
    RegistryStatus registry = new RegistryStatus();
    if (currentExists || stored == null) {
      registry.setDevices(here.devices());
      registry.setChecksum(here.checksum());
    } else {
      // The region is gone: what the operator last saw there stays, the measure of a failover
      // from the standby copy (a lost region does not mean an empty registry).
      registry.setDevices(stored.getDevices());
      registry.setChecksum(stored.getChecksum());
    }
    registry.setFrozen(frozen);
    registry.setStandbySyncedAt(syncedAt);
    registry.setStandbyError(standbyError);
    return registry;
  }

  private static RegistrySummary summarize(List<Secret> secrets, IoTHub hub, Region region) {
    return RegistryStore.summarize(byIndex(secrets, region).values());
  }

  /** The region's registry shards among the hub's region Secrets, by index. */
  public static Map<Integer, Secret> byIndex(List<Secret> secrets, Region region) {
    Map<Integer, Secret> shards = new TreeMap<>();
    inRegion(secrets, region)
        .filter(
            s ->
                s.getMetadata().getLabels() != null
                    && RegistryStore.COMPONENT.equals(
                        s.getMetadata().getLabels().get(HubNames.COMPONENT)))
        .forEach(s -> shards.put(RegistryStore.indexOf(s), s));
    return shards;
  }

  private static java.util.stream.Stream<Secret> inRegion(List<Secret> secrets, Region region) {
    return secrets.stream().filter(s -> region.namespace().equals(s.getMetadata().getNamespace()));
  }
}
