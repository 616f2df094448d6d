package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class IoTHubSpec {
  @Required
  @Pattern("^[a-z][a-z0-9]{1,39}$")
  @Size(max = 40)
  @ValidationRule(
      value = "self == oldSelf",
      message =
          "location is immutable: a hub stays paired with the region it was created in; use a"
              + " FailoverRequest to move it, or create a new hub")
  @JsonPropertyDescription(
      "Primary region id of the hub, such as westus2. The failover location is its geo-pair, fixed"
          + " when the hub is created. Immutable.")
  private String location;

  @JsonPropertyDescription("Settings of the MQTT broker tier that runs in the active region.")
  private BrokerSpec broker;

  // Defaulted so that registry.shards always exists and its immutability rule always applies.
  @Default("{}")
  @JsonPropertyDescription("Settings of the device registry.")
  private RegistrySpec registry;

  @JsonPropertyDescription(
      "One host name for devices that follows the serving region across clusters, published"
          + " through ExternalDNS. Without it, devices inside a cluster use status.hostName.")
  private EndpointSpec endpoint;

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public BrokerSpec getBroker() {
    return broker;
  }

  public void setBroker(BrokerSpec broker) {
    this.broker = broker;
  }

  public RegistrySpec getRegistry() {
    return registry;
  }

  public void setRegistry(RegistrySpec registry) {
    this.registry = registry;
  }

  public EndpointSpec getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(EndpointSpec endpoint) {
    this.endpoint = endpoint;
  }

  /** The public host name of spec.endpoint, or null when the hub has none. */
  @JsonIgnore
  public String publicHostName() {
    return endpoint == null ? null : endpoint.getHostName();
  }
}
