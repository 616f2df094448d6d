package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A device identity of an IoTHub, declared with kubectl or GitOps. The operator keeps its key in a
 * Secret of the hub namespace and only a salted hash in the hub's registry.
 */
@Group(IoTHub.GROUP)
@Version(IoTHub.VERSION)
@ShortNames("dev")
@AdditionalPrinterColumn(
    name = "Hub",
    jsonPath = ".spec.hubName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Enabled",
    jsonPath = ".spec.enabled",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Registered",
    jsonPath = ".status.registered",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Device extends CustomResource<DeviceSpec, DeviceStatus> implements Namespaced {

  @Override
  @Required
  @JsonPropertyDescription("The hub the device belongs to, its id and whether it may connect.")
  public DeviceSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Whether the device is registered, written by the operator only.")
  public DeviceStatus getStatus() {
    return super.getStatus();
  }
}
