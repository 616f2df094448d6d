package dev.iothub.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets conditions the Kubernetes way: {@code lastTransitionTime} moves only when the status of a
 * condition really changes, so a status written twice with the same facts is the same status.
 */
public final class Conditions {
  public static final String TRUE = "True";
  public static final String FALSE = "False";

  private Conditions() {}

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  public static void set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      Long generation,
      Instant now) {
    String statusText = status ? TRUE : FALSE;
    Optional<Condition> existing = find(conditions, type);
    String transition =
        existing
            .filter(c -> Objects.equals(c.getStatus(), statusText))
            .map(Condition::getLastTransitionTime)
            .orElse(Timestamps.format(now));
    Condition condition =
        new ConditionBuilder()
            .withType(type)
            .withStatus(statusText)
            .withReason(reason)
            .withMessage(Messages.bounded(message))
            .withObservedGeneration(generation)
            .withLastTransitionTime(transition)
            .build();
    existing.ifPresentOrElse(
        c -> conditions.set(conditions.indexOf(c), condition), () -> conditions.add(condition));
  }

  public static void remove(List<Condition> conditions, String type) {
    conditions.removeIf(c -> type.equals(c.getType()));
  }
}
