package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeviceStatus {
  /** The generated key Secret is the Device's name and "-key": a name of up to 253, plus 4. */
  public static final int MAX_KEY_SECRET_NAME_LENGTH = IoTHub.MAX_OBJECT_NAME_LENGTH + 4;

  @JsonPropertyDescription("The metadata.generation that this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("True when the hub's registry holds the device as the spec says.")
  private Boolean registered;

  @Size(max = DeviceSpec.MAX_ID_LENGTH)
  @JsonPropertyDescription("The device id in the registry.")
  private String deviceId;

  @Size(max = MAX_KEY_SECRET_NAME_LENGTH)
  @JsonPropertyDescription("The Secret with the device key and its connection string.")
  private String keySecretName;

  @Size(max = IoTHub.MAX_REASON_LENGTH)
  @JsonPropertyDescription(
      "Why the device is (not) registered, CamelCase: Registered, HubNotFound, RegistryFrozen,"
          + " KeySecretNotFound, DuplicateDeviceId, ...")
  private String reason;

  @Size(max = IoTHub.MAX_MESSAGE_LENGTH)
  @JsonPropertyDescription("What happened and what to do, in a sentence.")
  private String message;

  @SchemaFrom(type = ConditionSchema.List.class)
  @JsonPropertyDescription("The Registered condition.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Boolean getRegistered() {
    return registered;
  }

  public void setRegistered(Boolean registered) {
    this.registered = registered;
  }

  public String getDeviceId() {
    return deviceId;
  }

  public void setDeviceId(String deviceId) {
    this.deviceId = deviceId;
  }

  public String getKeySecretName() {
    return keySecretName;
  }

  public void setKeySecretName(String keySecretName) {
    this.keySecretName = keySecretName;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
