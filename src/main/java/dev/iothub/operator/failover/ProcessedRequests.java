package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.operator.objects.Sha256;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replay guard: the names of the requests a hub decided, kept in its status for the retention
 * (30 days by default) after the history that holds their verdicts has been trimmed. Names only,
 * compact and bounded: a 12-hex-digit hash of the name (48 bits: with the 4096 names of the bound,
 * a new name collides with one of them with odds of about 1 in 70 billion) grouped by the UTC day
 * of the verdict. A day is kept until its end plus the retention, so a name is guarded for at least
 * the retention and at most one day more. Past {@link #MAX_NAMES}, the oldest names are forgotten
 * first: a replay of one of those would be taken as a new request.
 */
public final class ProcessedRequests {
  /** Most names kept; about 13 bytes each in the status (see StatusBudget). */
  public static final int MAX_NAMES = 4096;

  static final int HASH_CHARS = 12;

  private ProcessedRequests() {}

  /** The stored form of a name: what the status holds instead of the name itself. */
  public static String hash(String name) {
    return Sha256.hex(name).substring(0, HASH_CHARS);
  }

  /** True when the hub decided a request of this name within the retention. */
  public static boolean contains(
      IoTHubStatus status, String name, Duration retention, Instant now) {
    if (status == null || status.getProcessedRequests() == null) {
      return false;
    }
    String hash = hash(name);
    return status.getProcessedRequests().entrySet().stream()
        .filter(day -> kept(day.getKey(), retention, now))
        .anyMatch(day -> Arrays.asList(day.getValue().split(" ")).contains(hash));
  }

  /** Records that the hub decided a request of this name now. Idempotent. */
  public static void remember(IoTHubStatus status, String name, Instant now) {
    TreeMap<String, String> days = days(status);
    String today = LocalDate.ofInstant(now, ZoneOffset.UTC).toString();
    String hash = hash(name);
    String names = days.get(today);
    if (names == null) {
      days.put(today, hash);
    } else if (!Arrays.asList(names.split(" ")).contains(hash)) {
      days.put(today, names + " " + hash);
    }
    cap(days);
    status.setProcessedRequests(days);
  }

  /** Drops the days past the retention. */
  public static void expire(IoTHubStatus status, Duration retention, Instant now) {
    TreeMap<String, String> days = days(status);
    days.keySet().removeIf(day -> !kept(day, retention, now));
    status.setProcessedRequests(days);
  }

  /** Names kept, in all days. */
  public static int size(IoTHubStatus status) {
    return status.getProcessedRequests() == null
        ? 0
        : status.getProcessedRequests().values().stream()
            .mapToInt(names -> names.split(" ").length)
            .sum();
  }

  private static boolean kept(String day, Duration retention, Instant now) {
    Instant end = LocalDate.parse(day).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return now.isBefore(end.plus(retention));
  }

  /** Forgets the oldest names (oldest day first, first decided first) beyond the bound. */
  private static void cap(TreeMap<String, String> days) {
    int excess = days.values().stream().mapToInt(n -> n.split(" ").length).sum() - MAX_NAMES;
    while (excess > 0) {
      Map.Entry<String, String> oldest = days.firstEntry();
      List<String> names = new ArrayList<>(Arrays.asList(oldest.getValue().split(" ")));
      int drop = Math.min(excess, names.size());
      names.subList(0, drop).clear();
      excess -= drop;
      if (names.isEmpty()) {
        days.remove(oldest.getKey());
      } else {
        days.put(oldest.getKey(), String.join(" ", names));
      }
    }
  }

  private static TreeMap<String, String> days(IoTHubStatus status) {
    return status.getProcessedRequests() == null
        ? new TreeMap<>()
        : new TreeMap<>(status.getProcessedRequests());
  }
}
