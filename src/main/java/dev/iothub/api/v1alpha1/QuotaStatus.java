package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/** What the failover rules allow next, computed from the hub's history. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QuotaStatus {
  @JsonPropertyDescription("Successful failovers still allowed in the rolling 24 hours.")
  private Integer failoversRemaining;

  @JsonPropertyDescription("Successful failbacks still allowed in the rolling 24 hours.")
  private Integer failbacksRemaining;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription(
      "Earliest time (RFC 3339) at which the next operation is allowed; empty when allowed now.")
  private String nextOperationAllowedAt;

  public Integer getFailoversRemaining() {
    return failoversRemaining;
  }

  public void setFailoversRemaining(Integer failoversRemaining) {
    this.failoversRemaining = failoversRemaining;
  }

  public Integer getFailbacksRemaining() {
    return failbacksRemaining;
  }

  public void setFailbacksRemaining(Integer failbacksRemaining) {
    this.failbacksRemaining = failbacksRemaining;
  }

  public String getNextOperationAllowedAt() {
    return nextOperationAllowedAt;
  }

  public void setNextOperationAllowedAt(String nextOperationAllowedAt) {
    this.nextOperationAllowedAt = nextOperationAllowedAt;
  }
}
