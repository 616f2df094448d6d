package dev.iothub.operator.hub;

import static dev.iothub.operator.hub.TestHubs.hub;
import static dev.iothub.operator.hub.TestHubs.locations;
import static dev.iothub.operator.hub.TestHubs.operating;
import static dev.iothub.operator.hub.TestHubs.recorded;
import static dev.iothub.operator.hub.TestHubs.region;
import static dev.iothub.operator.hub.TestHubs.withReplicas;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.BrokerSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.operator.region.Region;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Which region runs brokers and where the endpoint points, from the spec, the hub's locations and
 * the step of the running operation: the source serves until the endpoint has switched, the target
 * is scaled up before the switch, the source is scaled down only after it.
 */
class ServingPlanTest {
  static final Region WESTUS2 = region("westus2");
  static final Region WESTCENTRALUS = region("westcentralus");
  static final int REPLICAS = 3;

  static ServingPlan plan(IoTHub hub) {
    return ServingPlan.of(hub, locations(hub));
  }

  /** A hub created in West US 2, running there, failing over to West Central US at a step. */
  static IoTHub failingOver(OperationStep step) {
    IoTHub hub =
        recorded(withReplicas(hub("westus2"), REPLICAS), "westus2", "westus2", "westcentralus");
    return operating(hub, OperationType.Failover, step, "westus2", "westcentralus");
  }

  /** The same hub, running in West Central US, failing back to West US 2 at a step. */
  static IoTHub failingBack(OperationStep step) {
    IoTHub hub =
        recorded(withReplicas(hub("westus2"), REPLICAS), "westus2", "westcentralus", "westus2");
    return operating(hub, OperationType.Failback, step, "westcentralus", "westus2");
  }

  /** What each step must give, source and target being the operation's. */
  static ServingPlan expected(OperationStep step, Region source, Region target) {
    return switch (step) {
      case MigratingRegistry -> new ServingPlan(source, REPLICAS, target, 0, source);
      case ActivatingTarget -> new ServingPlan(source, REPLICAS, target, REPLICAS, source);
      case SwitchingEndpoint -> new ServingPlan(source, REPLICAS, target, REPLICAS, target);
      case DeactivatingSource, Completing -> new ServingPlan(source, 0, target, REPLICAS, target);
    };
  }

  @Test
  void withoutOperationTheCurrentRegionServesAlone() {
    IoTHub hub =
        recorded(withReplicas(hub("westus2"), REPLICAS), "westus2", "westus2", "westcentralus");

    ServingPlan plan = plan(hub);

    assertThat(plan).isEqualTo(new ServingPlan(WESTUS2, REPLICAS, WESTCENTRALUS, 0, WESTUS2));
    assertThat(plan.replicasIn(WESTUS2)).isEqualTo(REPLICAS);
    assertThat(plan.replicasIn(WESTCENTRALUS)).isZero();
  }

  @Test
  void aNewHubWithoutStatusServesFromItsPrimary() {
    assertThat(plan(withReplicas(hub("westus2"), 2)))
        .isEqualTo(new ServingPlan(WESTUS2, 2, WESTCENTRALUS, 0, WESTUS2));
  }

  @Test
  void afterAFailoverTheFailoverLocationServesAlone() {
    IoTHub hub =
        recorded(withReplicas(hub("westus2"), REPLICAS), "westus2", "westcentralus", "westus2");

    assertThat(plan(hub))
        .isEqualTo(new ServingPlan(WESTCENTRALUS, REPLICAS, WESTUS2, 0, WESTCENTRALUS));
  }

  @Test
  void anOperationWithoutStepChangesNothing() {
    assertThat(plan(failingOver(null)))
        .isEqualTo(new ServingPlan(WESTUS2, REPLICAS, WESTCENTRALUS, 0, WESTUS2));
  }

  @ParameterizedTest
  @EnumSource(OperationStep.class)
  void aFailoverServesFromTheSourceUntilTheEndpointHasSwitched(OperationStep step) {
    assertThat(plan(failingOver(step))).isEqualTo(expected(step, WESTUS2, WESTCENTRALUS));
  }

  @ParameterizedTest
  @EnumSource(OperationStep.class)
  void aFailbackDoesTheSameTheOtherWay(OperationStep step) {
    assertThat(plan(failingBack(step))).isEqualTo(expected(step, WESTCENTRALUS, WESTUS2));
  }

  @ParameterizedTest
  @EnumSource(OperationStep.class)
  void atEveryStepTheEndpointPointsAtARegionWithBrokers(OperationStep step) {
    for (IoTHub hub : new IoTHub[] {failingOver(step), failingBack(step)}) {
      ServingPlan plan = plan(hub);
      assertThat(plan.replicasIn(plan.endpoint())).as(step.name()).isEqualTo(REPLICAS);
      assertThat(plan.replicasIn(region("eastus"))).isZero();
    }
  }

  @Test
  void stepsOnlyEverAddTargetReplicasBeforeTheyRemoveSourceReplicas() {
    OperationStep switched = null;
    for (OperationStep step : OperationStep.values()) {
      ServingPlan plan = plan(failingOver(step));
      if (plan.endpoint().equals(WESTCENTRALUS) && switched == null) {
        switched = step;
      }
      if (plan.sourceReplicas() == 0) {
        assertThat(switched).as("the source stops only after the switch").isNotNull();
        assertThat(step.isAtOrAfter(switched)).isTrue();
      }
      if (plan.endpoint().equals(WESTCENTRALUS)) {
        assertThat(plan.targetReplicas()).isEqualTo(REPLICAS);
      }
    }
    assertThat(switched).isEqualTo(OperationStep.SwitchingEndpoint);
  }

  @Test
  void withoutBrokerSettingsTheDefaultReplicasRun() {
    IoTHub noBroker = recorded(hub("westus2"), "westus2", "westus2", "westcentralus");
    assertThat(noBroker.getSpec().getBroker()).isNull();
    assertThat(ServingPlan.replicas(noBroker)).isEqualTo(BrokerSpec.DEFAULT_REPLICAS);
    assertThat(plan(noBroker).sourceReplicas()).isEqualTo(BrokerSpec.DEFAULT_REPLICAS);

    IoTHub noReplicas = withReplicas(hub("westus2"), null);
    assertThat(ServingPlan.replicas(noReplicas)).isEqualTo(BrokerSpec.DEFAULT_REPLICAS);

    operating(
        noBroker,
        OperationType.Failover,
        OperationStep.ActivatingTarget,
        "westus2",
        "westcentralus");
    assertThat(plan(noBroker).targetReplicas()).isEqualTo(BrokerSpec.DEFAULT_REPLICAS);
  }

  @Test
  void theSpecsReplicasRunInTheServingRegion() {
    assertThat(ServingPlan.replicas(withReplicas(hub("westus2"), 7))).isEqualTo(7);
    assertThat(plan(withReplicas(hub("westus2"), 7)).replicasIn(WESTUS2)).isEqualTo(7);
  }
}
