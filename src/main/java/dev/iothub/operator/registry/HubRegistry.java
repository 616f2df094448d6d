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
  /** What became of a write; nothing is written unless it is WRITTEN. */
  public enum Outcome {
    WRITTEN,
    /** An operation runs, or a fence is being lifted: the writer waits. */
    FROZEN,
    /** The registry is being split, or a shard is full and it will be: the writer waits. */
    GROWING,
    /** The change is more than a shard below the growth threshold can take: write less at once. */
    TOO_LARGE,
    /** A shard is full and the registry is at its most shards: nothing more fits. */
    FULL
  }

  /** The outcome, with the registry's sentence when it is full or grows. */
  public record Write(Outcome outcome, String detail) {}

  /** How long a writer waits before it looks again at a frozen registry. */
  public static final Duration FROZEN_RETRY = Duration.ofSeconds(10);

  /** How long a writer waits while the registry grows: a split takes moments, not minutes. */
  public static final Duration GROWTH_RETRY = Duration.ofSeconds(2);

  /** When a writer that got {@code outcome} (FROZEN or GROWING) looks again. */
  public Duration retryAfter(Outcome outcome) {
    return outcome == Outcome.FROZEN && frozen() ? FROZEN_RETRY : GROWTH_RETRY;
  }

  private final IoTHub hub;
  private final Region region;
  private final ShardLimits limits;

  private HubRegistry(IoTHub hub, Region region, ShardLimits limits) {
    this.hub = hub;
    this.region = region;
    this.limits = limits;
  }

  /**
   * The registry of a hub that runs somewhere; empty while the hub is not provisioned, and when it
   * runs in another cluster.
   */
  public static Optional<HubRegistry> of(IoTHub hub, RegionCatalog regions) {
    return of(hub, regions, ShardLimits.DEFAULTS);
  }

  /** As {@link #of(IoTHub, RegionCatalog)}, with shards no larger than {@code limits}. */
  public static Optional<HubRegistry> of(IoTHub hub, RegionCatalog regions, ShardLimits limits) {
    if (hub == null || hub.getStatus() == null || hub.getStatus().getCurrentLocation() == null) {
      return Optional.empty();
    }
    HubLocations locations = HubLocations.resolve(hub, regions).locations();
    // A hub that runs in another cluster keeps its registry there, written by that operator.
    return Optional.ofNullable(locations)
        .filter(l -> !l.current().inAnotherCluster())
        .map(l -> new HubRegistry(hub, l.current(), limits));
  }

  public Region region() {
    return region;
  }

  public String hubName() {
    return hub.getMetadata().getName();
  }

  /** Whether the hub's status says an operation runs (the shards' fence also refuses writes). */
  public boolean frozen() {
    // A handover to another cluster fences the writers like an operation of this one.
    return hub.getStatus().getOperation() != null || hub.getStatus().getHandover() != null;
  }

  /** The sentence of a writer that waits: what runs, and what {@code then} happens after it. */
  public String frozenMessage(String then) {
    ActiveOperation op = hub.getStatus().getOperation();
    if (op == null && hub.getStatus().getHandover() != null) {
      return "The registry of "
          + hubName()
          + " is being handed over to a failover in another cluster; "
          + then
          + " if that failover ends without taking the hub over.";
    }
    if (op == null) {
      // Shards are fenced with no operation: a split being prepared or a fence being lifted.
      return "The registry of "
          + hubName()
          + " is paused for a moment (its shards are being split as it grows, or a finished"
          + " operation's fence is being lifted); "
          + then
          + " when it is done.";
    }
    return "A "
        + op.getType().name().toLowerCase()
        + " of "
        + hubName()
        + " is running; "
        + then
        + " when it completes.";
  }

  /** The sentence of a writer that waits while the registry doubles its shards. */
  public String growingMessage(String detail, String then) {
    return "The registry of "
        + hubName()
        + " is growing"
        + (detail == null ? "" : " (" + detail + ")")
        + ": the operator doubles its shards online; "
        + then
        + " when it is done.";
  }

  public DeviceRecord find(KubernetesClient client, String id) {
    return new RegistryStore(client, limits).find(hub, region, id);
  }

  /**
   * Writes the records, all or none; a frozen or growing registry or a full shard writes nothing.
   */
  public Write write(KubernetesClient client, Collection<DeviceRecord> records, Instant now) {
    if (frozen()) {
      return new Write(Outcome.FROZEN, null);
    }
    try {
      new RegistryStore(client, limits).write(hub, region, records, now);
      return new Write(Outcome.WRITTEN, null);
    } catch (RegistryGrowingException e) {
      return new Write(Outcome.GROWING, "to " + e.shards() + " shards");
    } catch (RegistryFullException e) {
      if (e.growing()) {
        return new Write(Outcome.GROWING, "a shard is full; it splits into two");
      }
      return new Write(e.canGrow() ? Outcome.TOO_LARGE : Outcome.FULL, e.getMessage());
    } catch (RegistryFrozenException e) {
      // The hub started an operation after its status was read: the shard's fence caught it.
      return new Write(Outcome.FROZEN, null);
    }
  }

  public void remove(KubernetesClient client, Collection<String> ids, Instant now) {
    new RegistryStore(client, limits).remove(hub, region, ids, now);
  }
}
