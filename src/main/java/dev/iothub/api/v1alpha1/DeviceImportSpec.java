package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self == oldSelf",
    message = "a DeviceImport is immutable: create a new one")
public class DeviceImportSpec {
  /** The Secret key that holds a chunk of the import file. */
  public static final String RECORDS_KEY = "devices.csv.gz";

  @Required
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = IoTHub.MAX_NAME_LENGTH)
  @JsonPropertyDescription("Name of the IoTHub, in the import's namespace.")
  private String hubName;

  @Required
  @Size(min = 1, max = 256)
  @JsonPropertyDescription(
      "Secrets in this namespace, each with key "
          + RECORDS_KEY
          + ": gzip-compressed CSV lines deviceId,primaryKey[,enabled]. Several Secrets carry a"
          + " file larger than one object may hold.")
  private List<@Size(max = IoTHub.MAX_OBJECT_NAME_LENGTH) String> secretNames;

  public String getHubName() {
    return hubName;
  }

  public void setHubName(String hubName) {
    this.hubName = hubName;
  }

  public List<String> getSecretNames() {
    return secretNames;
  }

  public void setSecretNames(List<String> secretNames) {
    this.secretNames = secretNames;
  }
}
