package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** The failover or failback that is running on a hub: the state machine of the operation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ActiveOperation {
  @Size(max = IoTHub.MAX_OBJECT_NAME_LENGTH)
  @JsonPropertyDescription("Name of the FailoverRequest that started the operation.")
  private String requestName;

  @Size(max = IoTHub.MAX_UID_LENGTH)
  @JsonPropertyDescription("UID of the FailoverRequest that started the operation.")
  private String requestUid;

  @JsonPropertyDescription("Failover or Failback.")
  private OperationType type;

  @JsonPropertyDescription("Region the hub runs in when the operation starts.")
  private LocationRef source;

  @JsonPropertyDescription("Region the hub runs in when the operation completes.")
  private LocationRef target;

  @JsonPropertyDescription("The step that runs now.")
  private OperationStep step;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription("When the operation was accepted (RFC 3339).")
  private String startedAt;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription("When the current step started (RFC 3339).")
  private String stepStartedAt;

  @JsonPropertyDescription("Device records to migrate to the target region.")
  private Long devicesTotal;

  @JsonPropertyDescription("Device records migrated and verified in the target region.")
  private Long devicesMigrated;

  @JsonPropertyDescription(
      "False when the source region could not be reached and the target serves from its standby"
          + " copy of the registry.")
  private Boolean sourceReachable;

  @JsonPropertyDescription(
      "When the source region was unreachable: seconds since the standby copy was last written"
          + " (an idle registry is copied only when it changes, so this alone is no measure of"
          + " loss; see standbyHeldLastSeen).")
  private Long standbyLagSeconds;

  @JsonPropertyDescription(
      "When the source region was unreachable: true when the standby copy held every change the"
          + " operator had last seen in the source (its checksum equals the hub's last reported"
          + " one); changes made in the source after the operator last saw it cannot be known.")
  private Boolean standbyHeldLastSeen;

  @JsonPropertyDescription("Durations of the steps finished so far.")
  private List<StepTiming> steps = new ArrayList<>();

  @JsonPropertyDescription(
      "The last error of the current step (exception type, HTTP code and the API server's"
          + " message, at most 512 characters); the step retries it until its deadline. Cleared"
          + " when the step advances.")
  @Size(max = IoTHub.MAX_MESSAGE_LENGTH)
  private String lastError;

  @JsonPropertyDescription("When the current step last failed (RFC 3339).")
  @Size(max = IoTHub.MAX_TIME_LENGTH)
  private String lastErrorAt;

  @JsonPropertyDescription(
      "How many times the current step failed with an error since it started; the retry delay"
          + " doubles with each.")
  private Integer stepErrors;

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

  public OperationStep getStep() {
    return step;
  }

  public void setStep(OperationStep step) {
    this.step = step;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getStepStartedAt() {
    return stepStartedAt;
  }

  public void setStepStartedAt(String stepStartedAt) {
    this.stepStartedAt = stepStartedAt;
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

  public Boolean getSourceReachable() {
    return sourceReachable;
  }

  public void setSourceReachable(Boolean sourceReachable) {
    this.sourceReachable = sourceReachable;
  }

  public Long getStandbyLagSeconds() {
    return standbyLagSeconds;
  }

  public void setStandbyLagSeconds(Long standbyLagSeconds) {
    this.standbyLagSeconds = standbyLagSeconds;
  }

  public Boolean getStandbyHeldLastSeen() {
    return standbyHeldLastSeen;
  }

  public void setStandbyHeldLastSeen(Boolean standbyHeldLastSeen) {
    this.standbyHeldLastSeen = standbyHeldLastSeen;
  }

  public List<StepTiming> getSteps() {
    return steps;
  }

  public void setSteps(List<StepTiming> steps) {
    this.steps = steps;
  }

  public String getLastError() {
    return lastError;
  }

  public void setLastError(String lastError) {
    this.lastError = lastError;
  }

  public String getLastErrorAt() {
    return lastErrorAt;
  }

  public void setLastErrorAt(String lastErrorAt) {
    this.lastErrorAt = lastErrorAt;
  }

  public Integer getStepErrors() {
    return stepErrors;
  }

  public void setStepErrors(Integer stepErrors) {
    this.stepErrors = stepErrors;
  }
}
