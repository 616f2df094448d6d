package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.IoTHub;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a pass of the hub controller read from the API server and a pass soon after need not read
 * again: the hub namespace's Secrets (per hub, by uid) and the region namespaces found to exist.
 * Both are kept for {@code maxAge} at most, and the memory is empty after a restart or a change of
 * leader.
 *
 * <p>Why the Secrets are safe to remember: they change only in {@link BrokerAuth}, which creates
 * them once and reissues the server certificate (checked on the remembered copy on every pass).
 * Anything else, a hand edit or delete, is drift; the chart grants no watch on Secrets in hub
 * namespaces (device keys live there), so before this memory such drift was noticed only by the
 * next pass as well, at the latest the periodic one ({@code maxReconciliationInterval}). They are
 * read again when the copy is older than {@code maxAge} or the hub's generation changed: drift is
 * put right within {@code maxAge} plus that interval.
 *
 * <p>Why the namespaces are: a namespace found by a GET is taken to exist again only while a cache
 * also holds an object of ours in it ({@link dev.iothub.operator.objects.ObjectReads#holdsAnyIn}).
 * Deleting a namespace deletes its objects, so the cache empties and the next pass asks the API
 * server; until then a GET would find the namespace too, terminating.
 */
public final class HubMemory {
  private record Secrets(Long generation, Instant readAt, BrokerAuth.HubSecrets secrets) {}

  private final Clock clock;
  private final Duration maxAge;
  private final Map<String, Secrets> hubSecrets = new ConcurrentHashMap<>();
  private final Map<String, Instant> namespaces = new ConcurrentHashMap<>();

  public HubMemory(Clock clock, Duration maxAge) {
    this.clock = clock;
    this.maxAge = maxAge;
  }

  BrokerAuth.HubSecrets secrets(IoTHub hub) {
    String uid = hub.getMetadata().getUid();
    Secrets s = uid == null ? null : hubSecrets.get(uid);
    return s == null
            || !Objects.equals(s.generation(), hub.getMetadata().getGeneration())
            || expired(s.readAt())
        ? null
        : s.secrets();
  }

  void secretsRead(IoTHub hub, BrokerAuth.HubSecrets secrets) {
    String uid = hub.getMetadata().getUid();
    if (uid != null) {
      hubSecrets.put(uid, new Secrets(hub.getMetadata().getGeneration(), clock.instant(), secrets));
    }
  }

  boolean namespaceFound(String namespace) {
    Instant at = namespaces.get(namespace);
    return at != null && !expired(at);
  }

  void namespaceRead(String namespace, boolean exists) {
    if (exists) {
      namespaces.put(namespace, clock.instant());
    } else {
      namespaces.remove(namespace);
    }
  }

  /** Forgets a deleted hub. */
  public void forget(IoTHub hub) {
    if (hub.getMetadata().getUid() != null) {
      hubSecrets.remove(hub.getMetadata().getUid());
    }
  }

  private boolean expired(Instant at) {
    return at.plus(maxAge).isBefore(clock.instant());
  }
}
