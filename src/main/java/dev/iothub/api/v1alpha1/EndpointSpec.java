package dev.iothub.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EndpointSpec {
  /** The TTL of the published record: clients find the new region this long after a failover. */
  public static final int RECORD_TTL_SECONDS = 30;

  @Required
  @Size(max = IoTHub.MAX_HOST_NAME_LENGTH)
  @Pattern("^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
  @JsonPropertyDescription(
      "DNS name devices connect to, such as mqtt.contoso.com; it follows the region that serves"
          + " the hub, across clusters. The brokers' Services become of type LoadBalancer, and the"
          + " cluster that serves publishes an ExternalDNS DNSEndpoint (externaldns.k8s.io/v1alpha1)"
          + " named after the hub in its namespace, aimed at its region's load balancer with a TTL"
          + " of 30 s; a cluster that stands by publishes none. ExternalDNS, installed by you, writes"
          + " the record (condition DnsPublished). The brokers' certificate names it too. Lower-case"
          + " letters, digits, '-' and '.'.")
  private String hostName;

  public String getHostName() {
    return hostName;
  }

  public void setHostName(String hostName) {
    this.hostName = hostName;
  }
}
