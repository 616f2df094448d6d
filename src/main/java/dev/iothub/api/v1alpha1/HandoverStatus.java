package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * The serving cluster's side of a planned failover into another cluster (the demotion token): its
 * writers are fenced, and this is the registry the other cluster must hold before it serves.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HandoverStatus {
  @Size(max = IoTHub.MAX_UID_LENGTH)
  @JsonPropertyDescription("The uid of the other cluster's FailoverRequest this hands over to.")
  private String requestUid;

  @JsonPropertyDescription("This cluster's epoch when it handed over.")
  private Long epoch;

  @Size(max = IoTHub.MAX_CHECKSUM_LENGTH)
  @JsonPropertyDescription(
      "Checksum of the registry as fenced: the other cluster's copy must equal it.")
  private String checksum;

  @JsonPropertyDescription("Device records in the registry as fenced.")
  private Long devices;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription("When the writers were fenced (RFC 3339).")
  private String at;

  public String getRequestUid() {
    return requestUid;
  }

  public void setRequestUid(String requestUid) {
    this.requestUid = requestUid;
  }

  public Long getEpoch() {
    return epoch;
  }

  public void setEpoch(Long epoch) {
    this.epoch = epoch;
  }

  public String getChecksum() {
    return checksum;
  }

  public void setChecksum(String checksum) {
    this.checksum = checksum;
  }

  public Long getDevices() {
    return devices;
  }

  public void setDevices(Long devices) {
    this.devices = devices;
  }

  public String getAt() {
    return at;
  }

  public void setAt(String at) {
    this.at = at;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HandoverStatus other
        && Objects.equals(requestUid, other.requestUid)
        && Objects.equals(epoch, other.epoch)
        && Objects.equals(checksum, other.checksum)
        && Objects.equals(devices, other.devices)
        && Objects.equals(at, other.at);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requestUid, epoch, checksum, devices, at);
  }
}
