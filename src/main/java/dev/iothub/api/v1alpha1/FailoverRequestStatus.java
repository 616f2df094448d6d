package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverRequestStatus {
  @JsonPropertyDescription("The metadata.generation that this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Pending, Running, Succeeded, Rejected or Failed; the last three are final.")
  private RequestPhase phase;

  @JsonPropertyDescription(
      "Failover when the hub ran in its primary location, Failback when it ran in its failover"
          + " location.")
  private OperationType type;

  @JsonPropertyDescription("Region the hub runs in when the operation starts.")
  private LocationRef sourceLocation;

  @JsonPropertyDescription("Region the operation moves the hub to.")
  private LocationRef targetLocation;

  @JsonPropertyDescription("Step that runs now.")
  private OperationStep step;

  @JsonPropertyDescription("Device records to migrate.")
  private Long devicesTotal;

  @JsonPropertyDescription("Device records migrated so far.")
  private Long devicesMigrated;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription("When the hub accepted the request (RFC 3339).")
  private String startTime;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription("When the request reached a final phase (RFC 3339).")
  private String completionTime;

  @Size(max = IoTHub.MAX_REASON_LENGTH)
  @JsonPropertyDescription(
      "Why the request was rejected or failed, CamelCase: ConfirmationMismatch, HubNotFound,"
          + " NotPaired, QuotaExceeded, TooSoon, OperationInProgress, AlreadyProcessed, ...")
  private String reason;

  @Size(max = IoTHub.MAX_MESSAGE_LENGTH)
  @JsonPropertyDescription("What happened and what to do, in a sentence.")
  private String message;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription(
      "When rejected for a reason that waiting cures: the earliest time (RFC 3339) a new request"
          + " will be allowed.")
  private String retryAfter;

  @SchemaFrom(type = ConditionSchema.List.class)
  @JsonPropertyDescription("Conditions of the request.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public RequestPhase getPhase() {
    return phase;
  }

  public void setPhase(RequestPhase phase) {
    this.phase = phase;
  }

  public OperationType getType() {
    return type;
  }

  public void setType(OperationType type) {
    this.type = type;
  }

  public LocationRef getSourceLocation() {
    return sourceLocation;
  }

  public void setSourceLocation(LocationRef sourceLocation) {
    this.sourceLocation = sourceLocation;
  }

  public LocationRef getTargetLocation() {
    return targetLocation;
  }

  public void setTargetLocation(LocationRef targetLocation) {
    this.targetLocation = targetLocation;
  }

  public OperationStep getStep() {
    return step;
  }

  public void setStep(OperationStep step) {
    this.step = step;
  }

  public Long getDevicesTotal() {
    return devicesTotal;
  }

  public void setDevicesTotal(Long devicesTotal) {
    this.devicesTotal = devicesTotal;
  }

  public Long getDevicesMigrated() {
    return devicesMigrated;
  }

  public void setDevicesMigrated(Long devicesMigrated) {
    this.devicesMigrated = devicesMigrated;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
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

  public String getRetryAfter() {
    return retryAfter;
  }

  public void setRetryAfter(String retryAfter) {
    this.retryAfter = retryAfter;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
