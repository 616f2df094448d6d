package dev.iothub.operator.broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The broker's mosquitto password file ({@code user:$7$...} lines). Mosquitto reads exactly one
 * password file, so the broker pod assembles it from what the region holds anyway, which keeps
 * every object within Kubernetes' limits at any fleet size and each device's record stored once per
 * region: the service users' lines (one small Secret) and the registry shards themselves.
 *
 * <p>The pod mounts them through one projected volume, one file per object: the service lines, and
 * each shard's compressed JSON lines. An init container, then a reloader whenever the kubelet swaps
 * the volume ({@code shareProcessNamespace: true}, same uid as mosquitto), writes the service lines
 * and, for each shard, the lines {@link #LINES_FROM_SHARD} takes out of it, into a temporary file
 * on an {@code emptyDir}, renames it over {@code password_file} and sends SIGHUP to mosquitto,
 * which rereads its password and ACL files without restarting: connected devices stay connected,
 * and those no longer in the file (disabled or deleted) are disconnected. The result is {@link
 * #join(List)} of the service fragment and each shard's {@link #deviceFragment}.
 */
public final class PasswordFile {
  /**
   * Largest fragment, in bytes. The API server limits a Secret's decoded data to 1 MiB; this leaves
   * room for the object's metadata. About 6,000 devices with 36-character ids fit in one fragment.
   */
  public static final int MAX_FRAGMENT_BYTES = 900 * 1024;

  private PasswordFile() {}

  /**
   * The awk program ({@code awk -F'"'}) that turns a registry shard's canonical JSON lines into its
   * password lines: enabled devices with a well-formed hash, in the shard's order (by id), as
   * {@link #deviceFragment} gives them. Split at double quotes, a record's fields sit at fixed
   * places: ids need no JSON escaping ({@link DeviceIds} allows none of {@code " \\} or control
   * characters, and both writers refuse other ids). A sed expression was slower: 23.8 s for a
   * million devices on an idle machine, awk 7.1 s with another benchmark running
   * (docs/benchmarks.md).
   */
  public static final String LINES_FROM_SHARD =
      "$1==\"{\" && $2==\"id\" && $3==\":\" && $5==\",\" && $6==\"enabled\" && $7==\":true,\""
          + " && $8==\"credentialHash\" && $9==\":\" && substr($10,1,3)==\"$7$\""
          + " {print $4 \":\" $10}";

  /**
   * All fragments of a hub's password file: the service users first, then one per registry shard,
   * in shard order.
   */
  public static List<String> fragments(
      Map<ServiceUser, String> serviceHashes,
      List<? extends Collection<? extends DeviceCredential>> shards) {
    List<String> fragments = new ArrayList<>(shards.size() + 1);
    fragments.add(serviceFragment(serviceHashes));
    for (Collection<? extends DeviceCredential> shard : shards) {
      fragments.add(deviceFragment(shard));
    }
    return fragments;
  }

  /** The lines of every service user; each one must have a well-formed hash. */
  public static String serviceFragment(Map<ServiceUser, String> hashes) {
    StringBuilder out = new StringBuilder();
    for (ServiceUser user : ServiceUser.values()) {
      String hash = hashes.get(user);
      if (!PasswordHashes.isWellFormed(hash)) {
        throw new IllegalArgumentException("no well-formed hash for service user " + user);
      }
      appendLine(out, user.username(), hash);
    }
    return out.toString();
  }

  /**
   * The lines of one registry shard: enabled devices that have a credential, sorted by id so that
   * equal shards give equal bytes. Disabled devices, devices without a hash and records the broker
   * could not serve ({@link #servable}) are left out, and so are refused by the broker.
   *
   * @throws IllegalStateException when the fragment would exceed {@link #MAX_FRAGMENT_BYTES}: the
   *     hub needs more registry shards
   */
  public static String deviceFragment(Collection<? extends DeviceCredential> shard) {
    List<DeviceCredential> sorted = new ArrayList<>(shard.size());
    for (DeviceCredential record : shard) {
      if (servable(record)) {
        sorted.add(record);
      }
    }
    sorted.sort(Comparator.comparing(DeviceCredential::id));
    StringBuilder out = new StringBuilder(sorted.size() * 160);
    String previous = null;
    for (DeviceCredential record : sorted) {
      if (record.id().equals(previous)) {
        throw new IllegalArgumentException("device " + record.id() + " appears twice in a shard");
      }
      previous = record.id();
      appendLine(out, record.id(), record.credentialHash());
    }
    String fragment = out.toString();
    int bytes = fragment.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_FRAGMENT_BYTES) {
      throw new IllegalStateException(
          "a password file fragment of "
              + sorted.size()
              + " devices is "
              + bytes
              + " bytes, more than "
              + MAX_FRAGMENT_BYTES
              + "; the hub has too many devices for its registry.shards");
    }
    return fragment;
  }

  /** Whether the broker lets this device in: enabled, valid id, well-formed hash. */
  public static boolean servable(DeviceCredential record) {
    return record.enabled()
        && DeviceIds.isValid(record.id())
        && PasswordHashes.isWellFormed(record.credentialHash());
  }

  /**
   * The whole password file: the fragments in order. Each fragment is empty or ends with a newline,
   * so this is what {@code cat} of the fragment files gives in the broker pod.
   */
  public static String join(List<String> fragments) {
    StringBuilder out = new StringBuilder();
    for (String fragment : fragments) {
      if (!fragment.isEmpty() && !fragment.endsWith("\n")) {
        throw new IllegalArgumentException("a password file fragment must end with a newline");
      }
      out.append(fragment);
    }
    return out.toString();
  }

  private static void appendLine(StringBuilder out, String username, String hash) {
    out.append(username).append(':').append(hash).append('\n');
  }
}
