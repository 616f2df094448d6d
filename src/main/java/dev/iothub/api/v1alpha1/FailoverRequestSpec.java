package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self == oldSelf",
    message = "a FailoverRequest is immutable: create a new request instead")
public class FailoverRequestSpec {
  @Required
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = IoTHub.MAX_NAME_LENGTH)
  @JsonPropertyDescription("Name of the IoTHub to fail over, in the request's namespace.")
  private String hubName;

  @Required
  @Size(max = IoTHub.MAX_NAME_LENGTH)
  @JsonPropertyDescription(
      "The hub's name typed again, as the portal asks, to confirm the operation; it must equal"
          + " hubName.")
  private String confirmHubName;

  public String getHubName() {
    return hubName;
  }

  public void setHubName(String hubName) {
    this.hubName = hubName;
  }

  public String getConfirmHubName() {
    return confirmHubName;
  }

  public void setConfirmHubName(String confirmHubName) {
    this.confirmHubName = confirmHubName;
  }
}
