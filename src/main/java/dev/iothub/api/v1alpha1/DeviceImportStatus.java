package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeviceImportStatus {
  @JsonPropertyDescription("The metadata.generation that this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Pending, Succeeded or Failed; the last two are final.")
  private DeviceImportPhase phase;

  @JsonPropertyDescription(
      "Device records written to the registry, in file order: while the import waits for the"
          + " registry to grow, those written so far; it goes on after them.")
  private Long devicesImported;

  @Size(max = IoTHub.MAX_REASON_LENGTH)
  @JsonPropertyDescription(
      "Why the import waits or failed, CamelCase: HubNotReady, WaitingForImport, RegistryFrozen,"
          + " RegistryGrowing,"
          + " SecretNotFound, InvalidRecords, ImportTooLarge, RegistryFull, OperatorError.")
  private String reason;

  @Size(max = IoTHub.MAX_MESSAGE_LENGTH)
  @JsonPropertyDescription("What happened and what to do, in a sentence.")
  private String message;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription("When the import finished (RFC 3339).")
  private String completionTime;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public DeviceImportPhase getPhase() {
    return phase;
  }

  public void setPhase(DeviceImportPhase phase) {
    this.phase = phase;
  }

  public Long getDevicesImported() {
    return devicesImported;
  }

  public void setDevicesImported(Long devicesImported) {
    this.devicesImported = devicesImported;
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

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }
}
