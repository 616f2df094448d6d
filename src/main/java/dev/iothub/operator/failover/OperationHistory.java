package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.operator.status.Messages;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A hub's bounded history, the verdicts its requests copy. Appending also puts the request's name
 * in the replay guard ({@link ProcessedRequests}). Pruning drops the oldest entries first but never
 * a successful operation still inside the quota window (a burst of refused requests must not erase
 * the record that the quota is spent), nor a verdict its request has not copied yet.
 *
 * <p>Why keep uncopied verdicts here rather than have the hub write them into the requests: the hub
 * controller stays the only writer of the hub's status and the request controller the only writer
 * of a request's; the hub only reads, from its informer cache, which requests are still open. A
 * cache can be late, never early: a request seen terminal really is, so a verdict is dropped only
 * once it has been copied. {@link RequestIntake} takes no new request while {@code limit} verdicts
 * wait to be copied, which keeps the history bounded: at most {@code limit} entries plus the
 * successes of the quota window.
 */
public final class OperationHistory {
  private OperationHistory() {}

  /** Appends a verdict (its message bounded) and remembers its request's name. */
  public static void append(IoTHubStatus status, OperationRecord record, Instant now) {
    List<OperationRecord> history =
        status.getHistory() == null ? new ArrayList<>() : new ArrayList<>(status.getHistory());
    record.setMessage(Messages.bounded(record.getMessage()));
    history.add(record);
    status.setHistory(history);
    ProcessedRequests.remember(status, record.getRequestName(), now);
  }

  /**
   * Trims the history to {@code limit} entries where it can, keeping the quota's successes and the
   * verdicts of {@code openRequestUids} (requests that have not recorded a final phase), and
   * forgets the names past the replay guard's retention.
   */
  public static void prune(
      IoTHubStatus status,
      int limit,
      Set<String> openRequestUids,
      FailoverPolicy policy,
      Instant now) {
    List<OperationRecord> history =
        status.getHistory() == null ? new ArrayList<>() : new ArrayList<>(status.getHistory());
    int excess = history.size() - limit;
    for (int i = 0; i < history.size() && excess > 0; ) {
      OperationRecord r = history.get(i);
      if (FailoverRules.countsForQuota(r, policy, now)
          || openRequestUids.contains(r.getRequestUid())) {
        i++;
      } else {
        history.remove(i);
        excess--;
      }
    }
    status.setHistory(history);
    ProcessedRequests.expire(status, policy.replayGuard(), now);
  }

  /** Verdicts in the history that their (open) requests have not copied yet. */
  public static long awaitingCopy(IoTHubStatus status, Set<String> openRequestUids) {
    return status.getHistory() == null
        ? 0
        : status.getHistory().stream()
            .filter(r -> openRequestUids.contains(r.getRequestUid()))
            .count();
  }
}
