package dev.iothub.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.EndpointSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.HubNames;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublicEndpointTest {
  static final String HOST = "mqtt.contoso.com";

  @Test
  void ipAddressesBecomeARecordsAndAaaaRecordsSortedWithTheTtl() {
    List<Map<String, Object>> records =
        PublicEndpoint.records(
            HOST, withIngress(ip("203.0.113.20"), ip("2001:db8::1"), ip("203.0.113.10")));
    assertThat(records)
        .containsExactly(
            Map.of(
                "dnsName",
                HOST,
                "recordType",
                "A",
                "recordTTL",
                EndpointSpec.RECORD_TTL_SECONDS,
                "targets",
                List.of("203.0.113.10", "203.0.113.20")),
            Map.of(
                "dnsName",
                HOST,
                "recordType",
                "AAAA",
                "recordTTL",
                EndpointSpec.RECORD_TTL_SECONDS,
                "targets",
                List.of("2001:db8::1")));
    assertThat(PublicEndpoint.describe(records))
        .isEqualTo("203.0.113.10, 203.0.113.20 (A, TTL 30 s) and 2001:db8::1 (AAAA, TTL 30 s)");
  }

  @Test
  void aLoadBalancerKnownByNameIsOneCname() {
    List<Map<String, Object>> records =
        PublicEndpoint.records(
            HOST, withIngress(host("b.elb.example.com"), host("a.elb.example.com")));
    assertThat(records).hasSize(1);
    assertThat(records.get(0))
        .containsEntry("recordType", "CNAME")
        .containsEntry("targets", List.of("a.elb.example.com"));
  }

  @Test
  void noAddressYetMeansNoRecord() {
    assertThat(PublicEndpoint.records(HOST, null)).isEmpty();
    assertThat(PublicEndpoint.records(HOST, new ServiceBuilder().build())).isEmpty();
    assertThat(PublicEndpoint.records(HOST, withIngress())).isEmpty();
  }

  @Test
  void theDnsEndpointIsTheHubsWithItsRegionAndChangesItsHashOnlyWithItsRecords() {
    IoTHub hub = TestHubs.hub("westus2");
    hub.getMetadata().setUid("uid-1");
    List<Map<String, Object>> west = PublicEndpoint.records(HOST, withIngress(ip("203.0.113.10")));
    GenericKubernetesResource desired =
        PublicEndpoint.desired(hub, TestHubs.region("westus2"), west);
    assertThat(desired.getApiVersion()).isEqualTo("externaldns.k8s.io/v1alpha1");
    assertThat(desired.getKind()).isEqualTo("DNSEndpoint");
    assertThat(desired.getMetadata().getName()).isEqualTo(HubNames.endpoint(hub));
    assertThat(desired.getMetadata().getNamespace()).isEqualTo("manlfailrg");
    assertThat(desired.getMetadata().getLabels())
        .containsEntry(HubNames.REGION, "westus2")
        .containsEntry(HubNames.HUB_UID, "uid-1");
    assertThat(desired.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getController()).isTrue());
    assertThat(desired.getAdditionalProperties()).containsEntry("spec", Map.of("endpoints", west));

    String hash = desired.getMetadata().getAnnotations().get("iothub.dev/desired-hash");
    assertThat(
            PublicEndpoint.desired(hub, TestHubs.region("westus2"), west)
                .getMetadata()
                .getAnnotations())
        .containsEntry("iothub.dev/desired-hash", hash);
    List<Map<String, Object>> east = PublicEndpoint.records(HOST, withIngress(ip("203.0.113.20")));
    assertThat(
            PublicEndpoint.desired(hub, TestHubs.region("westcentralus"), east)
                .getMetadata()
                .getAnnotations()
                .get("iothub.dev/desired-hash"))
        .isNotEqualTo(hash);
  }

  private static LoadBalancerIngress ip(String ip) {
    LoadBalancerIngress i = new LoadBalancerIngress();
    i.setIp(ip);
    return i;
  }

  private static LoadBalancerIngress host(String name) {
    LoadBalancerIngress i = new LoadBalancerIngress();
    i.setHostname(name);
    return i;
  }

  private static Service withIngress(LoadBalancerIngress... ingress) {
    return new ServiceBuilder()
        .withNewStatus()
        .withNewLoadBalancer()
        .withIngress(ingress)
        .endLoadBalancer()
        .endStatus()
        .build();
  }
}
