package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A bulk import of device identities into a hub's registry, for fleets too large for one Device
 * object each: the records (device id and key) come from Secrets in the hub namespace, and the
 * whole file costs O(registry shards) writes.
 */
@Group(IoTHub.GROUP)
@Version(IoTHub.VERSION)
@AdditionalPrinterColumn(
    name = "Hub",
    jsonPath = ".spec.hubName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Imported",
    jsonPath = ".status.devicesImported",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class DeviceImport extends CustomResource<DeviceImportSpec, DeviceImportStatus>
    implements Namespaced {

  @Override
  @Required
  @JsonPropertyDescription("The hub and the Secrets that hold the records. Immutable.")
  public DeviceImportSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Progress and outcome of the import, written by the operator only.")
  public DeviceImportStatus getStatus() {
    return super.getStatus();
  }
}
