package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.BrokerSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.operator.failover.IoTHubStatusBuilder;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;

/** IoTHub objects for the pure tests of the hub package, as the operator would read them. */
final class TestHubs {
  static final RegionCatalog AZURE = RegionCatalog.azureDefaults();

  private TestHubs() {}

  static Region region(String id) {
    return AZURE.find(id).orElseThrow();
  }

  static IoTHub hub(String name, String namespace, String location) {
    IoTHub hub = new IoTHub();
    hub.getMetadata().setName(name);
    hub.getMetadata().setNamespace(namespace);
    IoTHubSpec spec = new IoTHubSpec();
    spec.setLocation(location);
    hub.setSpec(spec);
    return hub;
  }

  static IoTHub hub(String location) {
    return hub("contoso-hub", "manlfailrg", location);
  }

  static IoTHub withReplicas(IoTHub hub, Integer replicas) {
    BrokerSpec broker = new BrokerSpec();
    broker.setReplicas(replicas);
    hub.getSpec().setBroker(broker);
    return hub;
  }

  /** The locations the operator recorded in the status, as {@link IoTHubStatusBuilder} does. */
  static IoTHub recorded(IoTHub hub, String primary, String current, String failover) {
    IoTHubStatus status = hub.getStatus() == null ? new IoTHubStatus() : hub.getStatus();
    status.setPrimaryLocation(HubLocations.ref(region(primary)));
    status.setCurrentLocation(HubLocations.ref(region(current)));
    status.setFailoverLocation(HubLocations.ref(region(failover)));
    hub.setStatus(status);
    return hub;
  }

  static IoTHub operating(
      IoTHub hub, OperationType type, OperationStep step, String source, String target) {
    ActiveOperation op = new ActiveOperation();
    op.setRequestName("request-1");
    op.setType(type);
    op.setStep(step);
    op.setSource(HubLocations.ref(region(source)));
    op.setTarget(HubLocations.ref(region(target)));
    hub.getStatus().setOperation(op);
    return hub;
  }

  static HubLocations locations(IoTHub hub) {
    return locations(hub, AZURE);
  }

  static HubLocations locations(IoTHub hub, RegionCatalog catalog) {
    HubLocations.Resolution r = HubLocations.resolve(hub, catalog);
    if (r.problem() != null) {
      throw new AssertionError("unexpected problem: " + r.problem());
    }
    return r.locations();
  }
}
