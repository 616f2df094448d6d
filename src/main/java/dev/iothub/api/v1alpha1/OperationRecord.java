package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** A finished failover or failback, kept in the hub's bounded history. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OperationRecord {
  @Size(max = IoTHub.MAX_OBJECT_NAME_LENGTH)
  @JsonPropertyDescription("Name of the FailoverRequest.")
  private String requestName;

  @Size(max = IoTHub.MAX_UID_LENGTH)
  @JsonPropertyDescription("UID of the FailoverRequest.")
  private String requestUid;

  @JsonPropertyDescription("Failover or Failback.")
  private OperationType type;

  @JsonPropertyDescription("Region the hub ran in before the operation.")
  private LocationRef source;

  @JsonPropertyDescription("Region the operation moved the hub to.")
  private LocationRef target;

  @JsonPropertyDescription(
      "Succeeded or Failed for an operation that ran; Rejected for a request the hub refused.")
  private RequestPhase result;

  @Size(max = IoTHub.MAX_REASON_LENGTH)
  @JsonPropertyDescription("Why the operation failed (CamelCase), when it did.")
  private String reason;

  @Size(max = IoTHub.MAX_MESSAGE_LENGTH)
  @JsonPropertyDescription("What happened, in a sentence.")
  private String message;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription(
      "For a rejected request that waiting cures: the earliest time (RFC 3339) a new request will"
          + " be allowed.")
  private String retryAfter;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription("When the operation was accepted (RFC 3339).")
  private String startedAt;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription("When the operation ended (RFC 3339).")
  private String completedAt;

  @JsonPropertyDescription("Device records migrated.")
  private Long devicesMigrated;

  @JsonPropertyDescription("Durations of the steps.")
  private List<StepTiming> steps = new ArrayList<>();

  public String getRequestName() {
    return requestName;
  }

  public void setRequestName(String requestName) {
    this.requestName = requestName;
  }

  public String getRequestUid() {
    return requestUid;
  }

  public void setRequestUid(String requestUid) {
    this.requestUid = requestUid;
  }

  public OperationType getType() {
    return type;
  }

  public void setType(OperationType type) {
    this.type = type;
  }

  public LocationRef getSource() {
    return source;
  }

  public void setSource(LocationRef source) {
    this.source = source;
  }

  public LocationRef getTarget() {
    return target;
  }

  public void setTarget(LocationRef target) {
    this.target = target;
  }

  public RequestPhase getResult() {
    return result;
  }

  public void setResult(RequestPhase result) {
    this.result = result;
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

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getCompletedAt() {
    return completedAt;
  }

  public void setCompletedAt(String completedAt) {
    this.completedAt = completedAt;
  }

  public Long getDevicesMigrated() {
    return devicesMigrated;
  }

  public void setDevicesMigrated(Long devicesMigrated) {
    this.devicesMigrated = devicesMigrated;
  }

  public List<StepTiming> getSteps() {
    return steps;
  }

  public void setSteps(List<StepTiming> steps) {
    this.steps = steps;
  }
}
