package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceReason;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.DeviceIds;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.peer.PeerClusters;
import dev.iothub.operator.registry.DeviceKeySecrets;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.HubRegistry;
import dev.iothub.operator.registry.RegistryFrozenException;
import dev.iothub.operator.registry.RegistryGrowingException;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Decides and applies one Device's registration: each check in order ends the pass with a reason
 * and a message in the status builder, and says when to look again (null: not before a change).
 */
final class DeviceRegistration {
  private static final String THEN = "this change is applied";

  private final OperatorSettings settings;
  private final Clock clock;
  private final KubernetesClient client;
  private final Context<Device> context;
  private final PeerClusters peers;

  DeviceRegistration(
      OperatorSettings settings, Clock clock, Context<Device> context, PeerClusters peers) {
    this.peers = peers;
    this.settings = settings;
    this.clock = clock;
    this.client = context.getClient();
    this.context = context;
  }

  /** Registers the device as its spec says, or tells in {@code status} why it cannot yet. */
  Duration register(Device device, DeviceStatusBuilder status) {
    String id = DeviceIdentity.of(device);
    String refused = DeviceIds.problem(id);
    if (refused != null) {
      // Checked first: nothing is stored for an id the broker would not serve as this device.
      status.notRegistered(DeviceReason.DeviceIdRefused, DeviceMessages.idRefused(device, refused));
      return null;
    }
    IoTHub hub = HubWatch.hubOf(context).filter(h -> !h.isMarkedForDeletion()).orElse(null);
    if (hub == null) {
      status.notRegistered(DeviceReason.HubNotFound, DeviceMessages.hubNotFound(device));
      return settings.retryMaxDelay();
    }
    Optional<Device> twin = DeviceIdentity.duplicateOf(context, device, id);
    if (twin.isPresent()) {
      status.notRegistered(
          DeviceReason.DuplicateDeviceId, DeviceMessages.duplicate(twin.get(), id, hub));
      return null;
    }
    Optional<HubRegistry> registry =
        HubRegistry.of(hub, settings.regions(), settings.shardLimits());
    if (registry.isEmpty()) {
      status.notRegistered(DeviceReason.HubNotReady, DeviceMessages.hubNotReady(hub));
      return settings.retryInitialDelay();
    }
    if (registry.get().frozen()) {
      if (registeredAsIs(device, id)) {
        // Nothing waits: the record the last pass verified is what the spec says, and a frozen
        // registry keeps it. Each Device wakes when an operation starts; a million of them must
        // not each flip their status to RegistryFrozen and back.
        boolean enabled = !Boolean.FALSE.equals(device.getSpec().getEnabled());
        status.registered(
            id,
            DeviceKeySecrets.secretName(device),
            DeviceMessages.registered(id, registry.get(), enabled));
        return null;
      }
      return waitForOperation(registry.get(), status);
    }
    DeviceKeySecrets keys = new DeviceKeySecrets(client);
    String key = keys.find(device);
    if (key == null && DeviceKeySecrets.generates(device)) {
      Optional<KeysAcrossClusters.Kept> kept =
          new KeysAcrossClusters(client, peers, settings.regions())
              .find(hub, device, id, registry.get());
      if (kept.isPresent() && kept.get().key() == null) {
        status.notRegistered(DeviceReason.KeySecretNotFound, kept.get().waitMessage());
        return peers.probeInterval();
      }
      key =
          keys.createGenerated(
              device,
              id,
              hub.getStatus().getHostName(),
              kept.map(KeysAcrossClusters.Kept::key).orElseGet(DeviceKeys::newKey));
    }
    if (key == null) {
      status.notRegistered(DeviceReason.KeySecretNotFound, DeviceMessages.noKey(device));
      return settings.retryMaxDelay();
    }
    return store(device, id, key, registry.get(), status);
  }

  /** Writes the record unless the registry already holds it as the spec says. */
  private Duration store(
      Device device, String id, String key, HubRegistry registry, DeviceStatusBuilder status) {
    boolean enabled = !Boolean.FALSE.equals(device.getSpec().getEnabled());
    if (!holds(registry.find(client, id), enabled, key)) {
      String now = Timestamps.format(clock.instant());
      DeviceRecord record = new DeviceRecord(id, enabled, PasswordHashes.hash(key), now);
      HubRegistry.Write write = registry.write(client, List.of(record), clock.instant());
      switch (write.outcome()) {
        case FROZEN:
          return waitForOperation(registry, status);
        case GROWING:
          status.waiting(
              DeviceReason.RegistryGrowing, registry.growingMessage(write.detail(), THEN));
          return HubRegistry.FROZEN_RETRY;
        case TOO_LARGE:
        case FULL:
          // Nothing more fits (most shards), or this one record is more than half a shard.
          status.notRegistered(DeviceReason.RegistryFull, DeviceMessages.full(id, write.detail()));
          return settings.retryMaxDelay();
        default:
          break;
      }
    }
    status.registered(
        id, DeviceKeySecrets.secretName(device), DeviceMessages.registered(id, registry, enabled));
    return null;
  }

  /** The stored status says this spec (generation) is registered under this id. */
  private static boolean registeredAsIs(Device device, String id) {
    var stored = device.getStatus();
    return stored != null
        && DeviceReason.Registered.name().equals(stored.getReason())
        && id.equals(stored.getDeviceId())
        && java.util.Objects.equals(
            stored.getObservedGeneration(), device.getMetadata().getGeneration());
  }

  private static boolean holds(DeviceRecord stored, boolean enabled, String key) {
    return stored != null
        && stored.enabled() == enabled
        && stored.credentialHash() != null
        && PasswordHashes.verify(key, stored.credentialHash());
  }

  private static Duration waitForOperation(HubRegistry registry, DeviceStatusBuilder status) {
    status.waiting(DeviceReason.RegistryFrozen, registry.frozenMessage(THEN));
    return HubRegistry.FROZEN_RETRY;
  }

  /** Removes the device's record and its generated key; waits while the registry is frozen. */
  boolean release(Device device) {
    String id = DeviceIdentity.of(device);
    // A hub being deleted takes its whole registry with it: nothing to remove record by record.
    Optional<HubRegistry> registry =
        HubWatch.hubOf(context)
            .filter(hub -> hub.getMetadata().getDeletionTimestamp() == null)
            .flatMap(hub -> HubRegistry.of(hub, settings.regions(), settings.shardLimits()));
    if (registry.isPresent() && DeviceIdentity.duplicateOf(context, device, id).isEmpty()) {
      if (registry.get().frozen()) {
        return false;
      }
      try {
        registry.get().remove(client, List.of(id), clock.instant());
      } catch (RegistryGrowingException | RegistryFrozenException e) {
        return false; // a split runs: the removal waits for it like any write
      }
    }
    new DeviceKeySecrets(client).deleteGenerated(device);
    return true;
  }
}
