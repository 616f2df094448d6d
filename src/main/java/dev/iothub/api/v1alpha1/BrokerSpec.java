package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class BrokerSpec {
  public static final int DEFAULT_REPLICAS = 1;
  public static final String DEFAULT_IMAGE = "eclipse-mosquitto:2.0.20";

  /** Longest image reference: registry, repository path, tag and digest fit with room to spare. */
  public static final int MAX_IMAGE_LENGTH = 512;

  @Min(1)
  @Max(10)
  @Default("1")
  @JsonPropertyDescription(
      "Number of broker pods in the active region (1 to 10). The standby region always runs 0.")
  private Integer replicas;

  @Pattern("^\\S+$")
  @Size(max = MAX_IMAGE_LENGTH)
  @JsonPropertyDescription(
      "Container image of the broker; Eclipse Mosquitto 2 by default ("
          + DEFAULT_IMAGE
          + "). It must also provide sh, readlink, gunzip, awk and pkill: the pod assembles its"
          + " password file from the registry shards with them.")
  private String image;

  // Claims would name pod-level resource claims that the broker pods do not declare (the API server
  // would refuse the Deployment), and their strings would be the spec's only unbounded ones.
  @ValidationRule(
      value = "!has(self.claims)",
      message = "resources.claims is not supported: the broker pods declare no resource claims")
  @JsonPropertyDescription(
      "CPU and memory requests and limits of each broker container (claims are not supported).")
  private ResourceRequirements resources;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }
}
