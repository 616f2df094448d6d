package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How long one step of an operation took. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StepTiming {
  @JsonPropertyDescription("The step.")
  private OperationStep step;

  @JsonPropertyDescription("Duration of the step in milliseconds.")
  private Long durationMillis;

  public StepTiming() {}

  public StepTiming(OperationStep step, long durationMillis) {
    this.step = step;
    this.durationMillis = durationMillis;
  }

  public OperationStep getStep() {
    return step;
  }

  public void setStep(OperationStep step) {
    this.step = step;
  }

  public Long getDurationMillis() {
    return durationMillis;
  }

  public void setDurationMillis(Long durationMillis) {
    this.durationMillis = durationMillis;
  }
}
