package dev.iothub.operator.broker;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The memory of a broker pod, from the size of the hub's fleet. The pod assembles the whole
 * password file in a memory-backed emptyDir, which counts against the memory of the container that
 * writes it, and mosquitto holds every line in memory. Sizes follow a step, the next power of two
 * of the device count (at least {@link #MIN_CAPACITY}), so that the broker Deployment changes (and
 * its pods roll) only when the fleet crosses a step, not on every device.
 *
 * @param capacity the number of devices the pod is sized for: a power of two
 */
public record BrokerSizing(long capacity) {
  private static final long MI = 1024L * 1024;

  /** The smallest step: any hub up to this many devices gets the footprint of earlier releases. */
  public static final long MIN_CAPACITY = 1L << 16;

  /**
   * One password-file line at most: a 128-character device id, ':', a 112-character {@code $7$}
   * hash and a newline (242 bytes), rounded up. Typical ids (36 characters) take 150.
   */
  public static final long LINE_BYTES = 256;

  /**
   * mosquitto's resident memory per loaded password line, rounded up from the benchmark (about 300
   * bytes per device at 100,000 and at 1,000,000 devices; docs/benchmarks.md). A SIGHUP reload
   * frees the old lines before it reads the new file, so the peak is the same.
   */
  public static final long BROKER_BYTES_PER_DEVICE = 320;

  /** mosquitto itself, its TLS context and a few connections, with no device loaded. */
  static final long BROKER_BASE = 32 * MI;

  /**
   * What connections need above the registry: the limit of earlier releases, kept as headroom. A
   * broker that holds many connections needs more; {@code spec.broker.resources} raises it.
   */
  static final long CONNECTION_HEADROOM = 256 * MI;

  /** The helper containers' shell and {@code cat}, with no file. */
  static final long HELPER_BASE = 32 * MI;

  public BrokerSizing {
    if (capacity < MIN_CAPACITY || Long.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("not a capacity step: " + capacity);
    }
  }

  /** The step for a fleet of {@code devices}: the next power of two, at least the minimum. */
  public static BrokerSizing forDevices(long devices) {
    if (devices <= MIN_CAPACITY) {
      return new BrokerSizing(MIN_CAPACITY);
    }
    if (devices > 1L << 62) {
      throw new IllegalArgumentException("too many devices: " + devices);
    }
    return new BrokerSizing(Long.highestOneBit(devices - 1) << 1);
  }

  /** The largest password file of a fleet at this step. */
  public long passwordFileBytes() {
    return capacity * LINE_BYTES;
  }

  /** The {@code auth} emptyDir: during an assembly the new file and the live one exist at once. */
  public Quantity authVolumeLimit() {
    return mebibytes(2 * passwordFileBytes() + HELPER_BASE);
  }

  /**
   * The init assembler and the reloader. Files in a memory-backed emptyDir count against the
   * container that wrote them: the reloader holds the live file it wrote last and, while it
   * assembles, the new one too (the limit, for the longest ids). The request is one file of typical
   * ids (150 of the 256 bytes) at this step.
   */
  public ResourceRequirements helper() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("5m"))
        .addToRequests("memory", mebibytes(passwordFileBytes() / 2 + 8 * MI))
        .addToLimits("memory", mebibytes(2 * passwordFileBytes() + HELPER_BASE))
        .build();
  }

  /** mosquitto: every device's line loaded, plus room for connections up to the limit. */
  public ResourceRequirements broker() {
    long registry = capacity * BROKER_BYTES_PER_DEVICE;
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("50m"))
        .addToRequests("memory", mebibytes(registry + BROKER_BASE))
        .addToLimits("memory", mebibytes(registry + CONNECTION_HEADROOM))
        .build();
  }

  /**
   * mosquitto's resources with the user's ({@code spec.broker.resources}) over them, key by key:
   * the user's values win. Where that leaves a computed request above the user's limit (or a
   * computed limit below the user's request), the computed one moves to the user's value, so that
   * the API server accepts the pod; a user request above the user's own limit stays as given.
   */
  public ResourceRequirements broker(ResourceRequirements user) {
    ResourceRequirements computed = broker();
    if (user == null) {
      return computed;
    }
    Map<String, Quantity> userRequests = orEmpty(user.getRequests());
    Map<String, Quantity> userLimits = orEmpty(user.getLimits());
    Map<String, Quantity> requests = new LinkedHashMap<>(computed.getRequests());
    Map<String, Quantity> limits = new LinkedHashMap<>(computed.getLimits());
    requests.putAll(userRequests);
    limits.putAll(userLimits);
    for (String resource : limits.keySet()) {
      Quantity request = requests.get(resource);
      Quantity limit = limits.get(resource);
      if (request == null
          || request.getNumericalAmount().compareTo(limit.getNumericalAmount()) <= 0) {
        continue;
      }
      boolean userRequest = userRequests.containsKey(resource);
      boolean userLimit = userLimits.containsKey(resource);
      if (userLimit && !userRequest) {
        requests.put(resource, limit);
      } else if (userRequest && !userLimit) {
        limits.put(resource, request);
      }
    }
    return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
  }

  private static Map<String, Quantity> orEmpty(Map<String, Quantity> map) {
    return map == null ? Map.of() : map;
  }

  /** Whole mebibytes, rounded up: readable in {@code kubectl describe}. */
  private static Quantity mebibytes(long bytes) {
    return new Quantity(Long.toString((bytes + MI - 1) / MI), "Mi");
  }
}
