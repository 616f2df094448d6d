package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegistrySpec {
  public static final int DEFAULT_SHARDS = 4;

  @Min(1)
  @Max(256)
  @Default("4")
  @ValidationRule(
      value = "self == oldSelf",
      message = "registry.shards is immutable: device records are placed by it")
  @JsonPropertyDescription(
      "Initial number of shard objects that hold the device records (1 to 256). The operator"
          + " doubles the shards online whenever one passes half of its size limit (up to 4096;"
          + " status.registry.shards says how many there are), so this need not anticipate the"
          + " fleet; the default of 4 keeps a small hub to a few objects per region. Immutable.")
  private Integer shards;

  public Integer getShards() {
    return shards;
  }

  public void setShards(Integer shards) {
    this.shards = shards;
  }
}
