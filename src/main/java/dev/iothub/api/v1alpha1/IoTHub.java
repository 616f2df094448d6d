package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A self-hosted IoT hub: an MQTT broker tier and a device registry in one of two regions. */
@Group(IoTHub.GROUP)
@Version(IoTHub.VERSION)
@ShortNames("hub")
@AdditionalPrinterColumn(
    name = "Current",
    jsonPath = ".status.currentLocation.displayName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Failover",
    jsonPath = ".status.failoverLocation.displayName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "State",
    jsonPath = ".status.state",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Devices",
    jsonPath = ".status.registry.devices",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Message",
    jsonPath = ".status.message",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@ValidationRule(
    value = "size(self.metadata.name) <= " + IoTHub.MAX_NAME_LENGTH,
    message = "an IoTHub name must be at most " + IoTHub.MAX_NAME_LENGTH + " characters long")
@ValidationRule(
    value = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
    message =
        "an IoTHub name must be a DNS label that starts with a letter (lowercase letters, digits"
            + " and '-'): it names the hub's Service and host name")
public class IoTHub extends CustomResource<IoTHubSpec, IoTHubStatus> implements Namespaced {
  public static final String GROUP = "iothub.dev";
  public static final String VERSION = "v1alpha1";

  /**
   * Longest hub name: the hub's regional object names add a suffix to it and must stay DNS labels.
   * Fields that name a hub share the bound, so no text copied from them grows a status unbounded.
   */
  public static final int MAX_NAME_LENGTH = 50;

  /** Longest name of another Kubernetes object (a Secret): a DNS subdomain. */
  public static final int MAX_OBJECT_NAME_LENGTH = 253;

  // Bounds of the status strings the operator writes; each writer keeps within them (messages are
  // cut, region names are checked when the operator starts), so no status write is ever refused.

  /** Longest status message: a sentence, or one cut to this length. */
  public static final int MAX_MESSAGE_LENGTH = 1024;

  /** Longest status reason (a CamelCase enum name). */
  public static final int MAX_REASON_LENGTH = 128;

  /** Longest timestamp (RFC 3339). */
  public static final int MAX_TIME_LENGTH = 64;

  /** Longest object uid. */
  public static final int MAX_UID_LENGTH = 64;

  /** Longest region id (it names a namespace, a DNS label). */
  public static final int MAX_REGION_ID_LENGTH = 63;

  /** Longest region display name. */
  public static final int MAX_DISPLAY_NAME_LENGTH = 64;

  /** Longest host name (DNS). */
  public static final int MAX_HOST_NAME_LENGTH = 253;

  /** Longest checksum (hex of a SHA-256 is 64). */
  public static final int MAX_CHECKSUM_LENGTH = 128;

  @Override
  @Required
  @JsonPropertyDescription("Desired state of the hub: its primary location and broker settings.")
  public IoTHubSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state of the hub, written by the operator only.")
  public IoTHubStatus getStatus() {
    return super.getStatus();
  }
}
