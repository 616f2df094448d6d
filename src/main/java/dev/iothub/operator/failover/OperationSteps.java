package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.OperationStep;
import java.util.List;

/** The steps of a failover or failback, in the order they run (the design's steps 2 to 6). */
public final class OperationSteps {
  public static final List<OperationStep> ORDER =
      List.of(
          OperationStep.MigratingRegistry,
          OperationStep.ActivatingTarget,
          OperationStep.SwitchingEndpoint,
          OperationStep.DeactivatingSource,
          OperationStep.Completing);

  private OperationSteps() {}

  /** The step after {@code step}; Completing has none. */
  public static OperationStep next(OperationStep step) {
    int i = ORDER.indexOf(step);
    if (i < 0 || i + 1 >= ORDER.size()) {
      throw new IllegalArgumentException("no step after " + step);
    }
    return ORDER.get(i + 1);
  }
}
