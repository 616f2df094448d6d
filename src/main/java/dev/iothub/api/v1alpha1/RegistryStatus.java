package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/** The device registry as the operator last observed it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegistryStatus {
  @JsonPropertyDescription("Number of device records in the registry of the current region.")
  private Long devices;

  @JsonPropertyDescription(
      "Number of shards the device records of the current region are placed by. It starts at"
          + " spec.registry.shards and doubles, online, when a shard passes half of its size limit"
          + " (at most 4096); observed from the shards each pass.")
  private Integer shards;

  @Size(max = IoTHub.MAX_CHECKSUM_LENGTH)
  @JsonPropertyDescription("Checksum of the device records of the current region.")
  private String checksum;

  @JsonPropertyDescription(
      "True while an operation runs: registry writes wait until it completes, then apply.")
  private Boolean frozen;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription(
      "When the copy of the registry in the failover region was last written (RFC 3339); absent"
          + " when that region holds no copy. A failover away from a lost region serves this copy.")
  private String standbySyncedAt;

  @JsonPropertyDescription(
      "Why the last copy of the registry to the failover region failed, when it did (exception"
          + " type, HTTP code and the API server's message, at most 512 characters). The copy is"
          + " retried; the standby copy is as old as standbySyncedAt.")
  @Size(max = IoTHub.MAX_MESSAGE_LENGTH)
  private String standbyError;

  public Long getDevices() {
    return devices;
  }

  public void setDevices(Long devices) {
    this.devices = devices;
  }

  public Integer getShards() {
    return shards;
  }

  public void setShards(Integer shards) {
    this.shards = shards;
  }

  public String getChecksum() {
    return checksum;
  }

  public void setChecksum(String checksum) {
    this.checksum = checksum;
  }

  public Boolean getFrozen() {
    return frozen;
  }

  public void setFrozen(Boolean frozen) {
    this.frozen = frozen;
  }

  public String getStandbySyncedAt() {
    return standbySyncedAt;
  }

  public void setStandbySyncedAt(String standbySyncedAt) {
    this.standbySyncedAt = standbySyncedAt;
  }

  public String getStandbyError() {
    return standbyError;
  }

  public void setStandbyError(String standbyError) {
    this.standbyError = standbyError;
  }
}
