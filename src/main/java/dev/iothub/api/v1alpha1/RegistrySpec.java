package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegistrySpec {
  public static final int DEFAULT_SHARDS = 32;

  @Min(1)
  @Max(256)
  @Default("32")
  @ValidationRule(
      value = "self == oldSelf",
      message = "registry.shards is immutable: device records are placed by it")
  @JsonPropertyDescription(
      "Number of shard objects that hold the device records (1 to 256). Each shard holds about"
          + " 4,000 devices comfortably under the 1 MiB object limit. Immutable.")
  private Integer shards;

  public Integer getShards() {
    return shards;
  }

  public void setShards(Integer shards) {
    this.shards = shards;
  }
}
