package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends to a hub's bounded history. Pruning drops the oldest entries first but never a successful
 * operation still inside the quota window, so a burst of refused requests cannot erase the record
 * that the quota is spent.
 */
public final class OperationHistory {
  private OperationHistory() {}

  public static void append(
      IoTHubStatus status, OperationRecord record, int limit, FailoverPolicy policy, Instant now) {
    List<OperationRecord> history =
        status.getHistory() == null ? new ArrayList<>() : new ArrayList<>(status.getHistory());
    history.add(record);
    int excess = history.size() - limit;
    for (int i = 0; i < history.size() && excess > 0; ) {
      if (FailoverRules.countsForQuota(history.get(i), policy, now)) {
        i++;
      } else {
        history.remove(i);
        excess--;
      }
    }
    status.setHistory(history);
  }
}
