package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.BrokerSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;

/**
 * Which region runs brokers, with how many replicas, and where the stable endpoint points: a pure
 * function of the spec, the hub's locations and the step of the running operation, never stored.
 *
 * <p>During an operation the source keeps serving until the target is available and the endpoint
 * has switched, so a planned failover has no moment in which no region serves.
 */
public record ServingPlan(
    Region source, int sourceReplicas, Region target, int targetReplicas, Region endpoint) {

  public static ServingPlan of(IoTHub hub, HubLocations locations) {
    int replicas = replicas(hub);
    ActiveOperation op = hub.getStatus() == null ? null : hub.getStatus().getOperation();
    Region current = locations.current();
    Region other = locations.failover();
    if (op == null || op.getStep() == null) {
      return new ServingPlan(current, replicas, other, 0, current);
    }
    OperationStep step = op.getStep();
    int target = step.isAtOrAfter(OperationStep.ActivatingTarget) ? replicas : 0;
    int source = step.isAtOrAfter(OperationStep.DeactivatingSource) ? 0 : replicas;
    Region endpoint = step.isAtOrAfter(OperationStep.SwitchingEndpoint) ? other : current;
    return new ServingPlan(current, source, other, target, endpoint);
  }

  public static int replicas(IoTHub hub) {
    BrokerSpec broker = hub.getSpec().getBroker();
    return broker == null || broker.getReplicas() == null
        ? BrokerSpec.DEFAULT_REPLICAS
        : broker.getReplicas();
  }

  public int replicasIn(Region region) {
    return region.equals(source) ? sourceReplicas : region.equals(target) ? targetReplicas : 0;
  }
}
