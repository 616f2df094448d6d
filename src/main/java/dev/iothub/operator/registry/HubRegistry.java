package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * A provisioned hub's registry as its writers (a Device, an import) see it: the region it is kept
 * in, and whether a failover froze it. The one place that says what a frozen registry means to a
 * writer: it waits, and its message says what runs and what happens when it completes.
 */
public final class HubRegistry {
  /** What became of a write: done, frozen (it waits), or refused because a shard is full. */
  public enum Outcome {
    WRITTEN,
    FROZEN,
    FULL
  }

  /** The outcome, with the registry's sentence when it is full. */
  public record Write(Outcome outcome, String detail) {}

  /** How long a writer waits before it looks again at a frozen registry. */
  public static final Duration FROZEN_RETRY = Duration.ofSeconds(10);

  private final IoTHub hub;
  private final Region region;

  private HubRegistry(IoTHub hub, Region region) {
    this.hub = hub;
    this.region = region;
  }

  /** The registry of a hub that runs somewhere; empty while the hub is not provisioned. */
  public static Optional<HubRegistry> of(IoTHub hub, RegionCatalog regions) {
    if (hub == null || hub.getStatus() == null || hub.getStatus().getCurrentLocation() == null) {
      return Optional.empty();
    }
    HubLocations locations = HubLocations.resolve(hub, regions).locations();
    return Optional.ofNullable(locations).map(l -> new HubRegistry(hub, l.current()));
  }

  public Region region() {
    return region;
  }

  public String hubName() {
    return hub.getMetadata().getName();
  }

  /** Whether the hub's status says an operation runs (the shards' fence also refuses writes). */
  public boolean frozen() {
    return hub.getStatus().getOperation() != null;
  }

  /** The sentence of a writer that waits: what runs, and what {@code then} happens after it. */
  public String frozenMessage(String then) {
    ActiveOperation op = hub.getStatus().getOperation();
    String what = op == null ? "An operation" : "A " + op.getType().name().toLowerCase();
    return what + " of " + hubName() + " is running; " + then + " when it completes.";
  }

  public DeviceRecord find(KubernetesClient client, String id) {
    return new RegistryStore(client).find(hub, region, id);
  }

  /** Writes the records, all or none; a frozen registry or a full shard writes nothing. */
  public Write write(KubernetesClient client, Collection<DeviceRecord> records, Instant now) {
    if (frozen()) {
      return new Write(Outcome.FROZEN, null);
    }
    try {
      new RegistryStore(client).write(hub, region, records, now);
      return new Write(Outcome.WRITTEN, null);
    } catch (RegistryFullException e) {
      return new Write(Outcome.FULL, e.getMessage());
    } catch (RegistryFrozenException e) {
      // The hub started an operation after its status was read: the shard's fence caught it.
      return new Write(Outcome.FROZEN, null);
    }
  }

  public void remove(KubernetesClient client, Collection<String> ids, Instant now) {
    new RegistryStore(client).remove(hub, region, ids, now);
  }
}
