package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** A region as shown to people: its id and its display name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocationRef {
  @Size(max = IoTHub.MAX_REGION_ID_LENGTH)
  @JsonPropertyDescription("Region id, such as westus2.")
  private String id;

  @Size(max = IoTHub.MAX_DISPLAY_NAME_LENGTH)
  @JsonPropertyDescription("Region display name, such as West US 2.")
  private String displayName;

  public LocationRef() {}

  public LocationRef(String id, String displayName) {
    this.id = id;
    this.displayName = displayName;
  }

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public String getDisplayName() {
    return displayName;
  }

  public void setDisplayName(String displayName) {
    this.displayName = displayName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LocationRef other
        && Objects.equals(id, other.id)
        && Objects.equals(displayName, other.displayName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, displayName);
  }

  @Override
  public String toString() {
    return displayName + " (" + id + ")";
  }
}
