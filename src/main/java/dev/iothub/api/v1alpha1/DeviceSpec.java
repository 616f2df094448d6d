package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
// The rule on deviceId itself runs only where both objects have one: this one keeps a Device from
// gaining or losing its deviceId, which would change the id it connects with (its name when unset).
@ValidationRule(
    value = "has(self.deviceId) == has(oldSelf.deviceId)",
    message =
        "deviceId is immutable: a Device without one connects with its name; create a new Device")
public class DeviceSpec {
  /** Azure IoT Hub's device id rules: up to 128 of these characters. */
  public static final String ID_PATTERN = "^[A-Za-z0-9\\-.%_*?!(),=@$']{1,128}$";

  /** The operator's own broker users (operator.broker.ServiceUser) are no device's id. */
  public static final String NOT_RESERVED = "!(self in ['iothub-backend', 'iothub-probe'])";

  /** Longest device id; also stated as maxLength, so the API server bounds it before any rule. */
  public static final int MAX_ID_LENGTH = 128;

  @Required
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = IoTHub.MAX_NAME_LENGTH)
  @ValidationRule(value = "self == oldSelf", message = "hubName is immutable: create a new Device")
  @JsonPropertyDescription("Name of the IoTHub, in the Device's namespace. Immutable.")
  private String hubName;

  @Pattern(ID_PATTERN)
  @Size(max = MAX_ID_LENGTH)
  @ValidationRule(
      value = NOT_RESERVED,
      message =
          "deviceId iothub-backend and iothub-probe are the operator's own broker users: choose"
              + " another id")
  @ValidationRule(
      value = "self == oldSelf",
      message = "deviceId is immutable: devices connect with it; create a new Device")
  @JsonPropertyDescription(
      "Device id the device connects with (its MQTT user name); the object's name when unset. Up"
          + " to 128 letters, digits and - . % _ * ? ! ( ) , = @ $ '; not iothub-backend or"
          + " iothub-probe (the operator's own broker users). Immutable.")
  private String deviceId;

  @Default("true")
  @JsonPropertyDescription("False refuses the device's connections; its identity is kept.")
  private Boolean enabled;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = IoTHub.MAX_OBJECT_NAME_LENGTH)
  @JsonPropertyDescription(
      "An existing Secret in this namespace whose key primaryKey is the device key. When unset,"
          + " the operator generates a key into the Secret <name>-key, with a connection string.")
  private String keySecretName;

  public String getHubName() {
    return hubName;
  }

  public void setHubName(String hubName) {
    this.hubName = hubName;
  }

  public String getDeviceId() {
    return deviceId;
  }

  public void setDeviceId(String deviceId) {
    this.deviceId = deviceId;
  }

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getKeySecretName() {
    return keySecretName;
  }

  public void setKeySecretName(String keySecretName) {
    this.keySecretName = keySecretName;
  }
}
