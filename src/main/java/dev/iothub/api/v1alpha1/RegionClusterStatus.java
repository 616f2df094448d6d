package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * A region of the hub whose namespace is in another Kubernetes cluster, and whether that cluster
 * answers the operator. Names the cluster, never the credentials that reach it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegionClusterStatus {
  @Size(max = IoTHub.MAX_REGION_ID_LENGTH)
  @JsonPropertyDescription("Region id, such as eastus.")
  private String region;

  @Size(max = IoTHub.MAX_DISPLAY_NAME_LENGTH)
  @JsonPropertyDescription(
      "The cluster's name: the current context of the kubeconfig that reaches it.")
  private String cluster;

  @Size(max = IoTHub.MAX_HOST_NAME_LENGTH)
  @JsonPropertyDescription("Host and port of the cluster's API server.")
  private String server;

  @Size(max = IoTHub.MAX_OBJECT_NAME_LENGTH)
  @JsonPropertyDescription(
      "The Secret (namespace/name) whose kubeconfig the operator uses for this cluster.")
  private String kubeconfigSecret;

  @JsonPropertyDescription("Whether the cluster's API server answered the operator's last check.")
  private Boolean reachable;

  @Size(max = IoTHub.MAX_REASON_LENGTH)
  @JsonPropertyDescription(
      "Reachable, PeerUnreachable, PeerCredentialsRefused, KubeconfigSecretMissing or"
          + " KubeconfigInvalid. The hub's PeerReachable condition says what to do.")
  private String reason;

  @Size(max = IoTHub.MAX_TIME_LENGTH)
  @JsonPropertyDescription("Since when the cluster has been reachable, or not (RFC 3339).")
  private String since;

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getCluster() {
    return cluster;
  }

  public void setCluster(String cluster) {
    this.cluster = cluster;
  }

  public String getServer() {
    return server;
  }

  public void setServer(String server) {
    this.server = server;
  }

  public String getKubeconfigSecret() {
    return kubeconfigSecret;
  }

  public void setKubeconfigSecret(String kubeconfigSecret) {
    this.kubeconfigSecret = kubeconfigSecret;
  }

  public Boolean getReachable() {
    return reachable;
  }

  public void setReachable(Boolean reachable) {
    this.reachable = reachable;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegionClusterStatus other
        && Objects.equals(region, other.region)
        && Objects.equals(cluster, other.cluster)
        && Objects.equals(server, other.server)
        && Objects.equals(kubeconfigSecret, other.kubeconfigSecret)
        && Objects.equals(reachable, other.reachable)
        && Objects.equals(reason, other.reason)
        && Objects.equals(since, other.since);
  }

  @Override
  public int hashCode() {
    return Objects.hash(region, cluster, server, kubeconfigSecret, reachable, reason, since);
  }
}
