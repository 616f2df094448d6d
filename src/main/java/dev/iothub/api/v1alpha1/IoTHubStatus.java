package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class IoTHubStatus {
  @JsonPropertyDescription("The metadata.generation that this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Provisioning, Active, Standby (the hub runs in another cluster), FailingOver, FailingBack or"
          + " Failed.")
  private HubState state;

  @JsonPropertyDescription("Where the hub was created (spec.location).")
  private LocationRef primaryLocation;

  @JsonPropertyDescription("Where the hub runs now.")
  private LocationRef currentLocation;

  @JsonPropertyDescription(
      "Where a failover (or failback) would move the hub: the other one of primary and its"
          + " geo-pair.")
  private LocationRef failoverLocation;

  @Size(max = IoTHub.MAX_HOST_NAME_LENGTH)
  @JsonPropertyDescription(
      "Stable DNS name of the hub's MQTT endpoint; it does not change on failover.")
  private String hostName;

  @JsonPropertyDescription(
      "Raised by each failover across clusters. Of two clusters that both say they serve the hub,"
          + " the one with the lower epoch stands down when it sees the other (a cluster that comes"
          + " back after an outage). Absent (0) until the first such failover.")
  private Long epoch;

  @JsonPropertyDescription(
      "Set while this cluster hands the hub over to another cluster's failover: writers are fenced"
          + " and the other cluster copies up to this registry; cleared when it stands down, or when"
          + " that failover ends without taking over.")
  private HandoverStatus handover;

  @JsonPropertyDescription(
      "The hub's regions whose namespace is in another Kubernetes cluster: that cluster, and"
          + " whether it answers. Absent when both regions are in the operator's own cluster.")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @Size(max = 2)
  private List<RegionClusterStatus> regionClusters = new ArrayList<>();

  @JsonPropertyDescription("The device registry: record count and checksum.")
  private RegistryStatus registry;

  @JsonPropertyDescription("What the failover rules allow next.")
  private QuotaStatus quota;

  @JsonPropertyDescription("The failover or failback that runs now, if any.")
  private ActiveOperation operation;

  @JsonPropertyDescription(
      "Finished operations and refused requests, newest last, bounded (successful operations of"
          + " the quota window are always kept).")
  private List<OperationRecord> history = new ArrayList<>();

  @JsonPropertyDescription(
      "Replay guard: the requests this hub decided, by the UTC day (yyyy-MM-dd) of the verdict,"
          + " each as the first 12 hex digits of the SHA-256 of its name, space-separated. A"
          + " request re-created with a name listed here is refused as AlreadyProcessed. Days are"
          + " kept for the operator's replay guard retention (30 days by default), at most 4096"
          + " names in all (past that the oldest are forgotten first).")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private Map<String, String> processedRequests = new TreeMap<>();

  @Size(max = IoTHub.MAX_MESSAGE_LENGTH)
  @JsonPropertyDescription("What the hub is doing, in a sentence, like the portal's banner.")
  private String message;

  @SchemaFrom(type = ConditionSchema.List.class)
  @JsonPropertyDescription(
      "Ready and OperationInProgress conditions; PeerReachable when a region is in another"
          + " cluster.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public HubState getState() {
    return state;
  }

  public void setState(HubState state) {
    this.state = state;
  }

  public LocationRef getPrimaryLocation() {
    return primaryLocation;
  }

  public void setPrimaryLocation(LocationRef primaryLocation) {
    this.primaryLocation = primaryLocation;
  }

  public LocationRef getCurrentLocation() {
    return currentLocation;
  }

  public void setCurrentLocation(LocationRef currentLocation) {
    this.currentLocation = currentLocation;
  }

  public LocationRef getFailoverLocation() {
    return failoverLocation;
  }

  public void setFailoverLocation(LocationRef failoverLocation) {
    this.failoverLocation = failoverLocation;
  }

  public HandoverStatus getHandover() {
    return handover;
  }

  public void setHandover(HandoverStatus handover) {
    this.handover = handover;
  }

  public Long getEpoch() {
    return epoch;
  }

  public void setEpoch(Long epoch) {
    this.epoch = epoch;
  }

  /** The epoch, 0 when absent. */
  @JsonIgnore
  public long epochOrZero() {
    return epoch == null ? 0 : epoch;
  }

  public List<RegionClusterStatus> getRegionClusters() {
    return regionClusters;
  }

  public void setRegionClusters(List<RegionClusterStatus> regionClusters) {
    this.regionClusters = regionClusters;
  }

  public String getHostName() {
    return hostName;
  }

  public void setHostName(String hostName) {
    this.hostName = hostName;
  }

  public RegistryStatus getRegistry() {
    return registry;
  }

  public void setRegistry(RegistryStatus registry) {
    this.registry = registry;
  }

  public QuotaStatus getQuota() {
    return quota;
  }

  public void setQuota(QuotaStatus quota) {
    this.quota = quota;
  }

  public ActiveOperation getOperation() {
    return operation;
  }

  public void setOperation(ActiveOperation operation) {
    this.operation = operation;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public List<OperationRecord> getHistory() {
    return history;
  }

  public void setHistory(List<OperationRecord> history) {
    this.history = history;
  }

  public Map<String, String> getProcessedRequests() {
    return processedRequests;
  }

  public void setProcessedRequests(Map<String, String> processedRequests) {
    this.processedRequests = processedRequests;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
