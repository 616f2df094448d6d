package dev.iothub.operator.hub;

import static dev.iothub.testing.HubFixtures.CONTOSO_BROKER;
import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.DnsReason;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.broker.HubCertificates;
import dev.iothub.operator.broker.Pem;
import dev.iothub.operator.status.Conditions;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hub with a public host name in one cluster: the brokers' Services become load balancers, the
 * DNSEndpoint aims at the serving region's and moves with a failover, and goes when the name does.
 * (The API server here accepts any resource: a cluster without the CRD is TwoClusterKubeIT's.)
 */
class PublicEndpointMockTest {
  static final String WEST = "iothub-westus2";
  static final String CENTRAL = "iothub-westcentralus";
  private OperatorHarness h;
  private HubFixtures f;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, WEST, CENTRAL);
    f = new HubFixtures(h);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void theNameFollowsTheServingRegionAndGoesWithTheSpec() throws Exception {
    f.createReadyHub("fixtures/hub-public-endpoint.yaml");
    assertThat(service(WEST).getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service(CENTRAL).getSpec().getType()).isEqualTo("LoadBalancer");
    Condition pending = awaitDns(DnsReason.LoadBalancerPending);
    assertThat(pending.getStatus()).isEqualTo("False");
    assertThat(pending.getMessage()).contains(WEST + "/" + CONTOSO_BROKER).contains("has none yet");
    assertThat(dnsEndpoint()).isNull();
    // The brokers' certificate names the public host, so devices can verify it.
    String crt =
        new String(
            Base64.getDecoder()
                .decode(
                    h.client().secrets().inNamespace(WEST).list().getItems().stream()
                        .filter(s -> s.getData() != null && s.getData().containsKey("tls.crt"))
                        .findFirst()
                        .orElseThrow()
                        .getData()
                        .get("tls.crt")),
            StandardCharsets.UTF_8);
    assertThat(HubCertificates.dnsNames(Pem.certificate(crt))).contains("mqtt.contoso.com");

    // A load balancer controller gives both Services an address.
    assignAddress(WEST, "203.0.113.10");
    assignAddress(CENTRAL, "203.0.113.20");
    Condition awaiting = awaitDns(DnsReason.AwaitingExternalDns);
    assertThat(awaiting.getMessage())
        .contains("mqtt.contoso.com points at 203.0.113.10 (A, TTL 30 s)")
        .contains("--source=crd");
    assertThat(records()).containsExactly(record("203.0.113.10"));
    assertThat(dnsEndpoint().getMetadata().getLabels())
        .containsEntry("iothub.dev/region", "westus2");

    // ExternalDNS takes it in (it reports the generation it saw); the hub looks again every peer
    // probe interval (2 s in the harness), since no event of its own tells it.
    reportTakenIn();
    Condition published = awaitDns(DnsReason.Published);
    assertThat(published.getStatus()).isEqualTo("True");
    assertThat(published.getMessage()).endsWith("ExternalDNS took it in.");

    // A failover moves the name to the other region's load balancer.
    f.request("failover", "contoso-hub", "contoso-hub");
    f.awaitPhase("failover", RequestPhase.Succeeded);
    await().atMost(HubFixtures.WAIT).until(() -> List.of(record("203.0.113.20")).equals(records()));
    assertThat(dnsEndpoint().getMetadata().getLabels())
        .containsEntry("iothub.dev/region", "westcentralus");
    assertThat(awaitDns(DnsReason.AwaitingExternalDns).getMessage()).contains("203.0.113.20");

    // Without the name, the DNSEndpoint and the condition go, and the Services are internal again.
    IoTHub hub = h.hub(NS, "contoso-hub");
    hub.getSpec().setEndpoint(null);
    h.client().resource(hub).update();
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                dnsEndpoint() == null
                    && dns() == null
                    && "ClusterIP".equals(service(CENTRAL).getSpec().getType()));
    assertThat(service(WEST).getSpec().getType()).isEqualTo("ClusterIP");
  }

  @Test
  void aDnsEndpointOfTheHubsNameMadeBySomeoneElseIsLeftAloneAndReported() {
    GenericKubernetesResource foreign =
        new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
            .withApiVersion("externaldns.k8s.io/v1alpha1")
            .withKind("DNSEndpoint")
            .withNewMetadata()
            .withName("contoso-hub")
            .withNamespace(NS)
            .endMetadata()
            .build();
    foreign.setAdditionalProperty("spec", Map.of("endpoints", List.of()));
    h.client()
        .genericKubernetesResources(PublicEndpoint.DNS_ENDPOINT)
        .inNamespace(NS)
        .resource(foreign)
        .create();
    f.createReadyHub("fixtures/hub-public-endpoint.yaml");
    assignAddress(WEST, "203.0.113.10");
    Condition conflict = awaitDns(DnsReason.NameConflict);
    assertThat(conflict.getStatus()).isEqualTo("False");
    assertThat(conflict.getMessage())
        .contains("DNSEndpoint " + NS + "/contoso-hub already exists")
        .contains("Nothing is published for mqtt.contoso.com");
    assertThat(records()).isEmpty();
    assertThat(Conditions.isTrue(h.hub(NS, "contoso-hub").getStatus().getConditions(), "Ready"))
        .isTrue();
  }

  private Service service(String ns) {
    return h.client().services().inNamespace(ns).withName(CONTOSO_BROKER).get();
  }

  private void assignAddress(String ns, String ip) {
    Service s = service(ns);
    s.setStatus(
        new io.fabric8.kubernetes.api.model.ServiceStatusBuilder()
            .withNewLoadBalancer()
            .withIngress(new LoadBalancerIngressBuilder().withIp(ip).build())
            .endLoadBalancer()
            .build());
    h.client().services().inNamespace(ns).resource(s).updateStatus();
  }

  private GenericKubernetesResource dnsEndpoint() {
    return h.client()
        .genericKubernetesResources(PublicEndpoint.DNS_ENDPOINT)
        .inNamespace(NS)
        .withName("contoso-hub")
        .get();
  }

  @SuppressWarnings("unchecked")
  private List<Object> records() {
    GenericKubernetesResource d = dnsEndpoint();
    return d == null
        ? List.of()
        : (List<Object>)
            ((Map<String, Object>) d.getAdditionalProperties().get("spec")).get("endpoints");
  }

  private static Map<String, Object> record(String ip) {
    return Map.of(
        "dnsName", "mqtt.contoso.com", "recordType", "A", "recordTTL", 30, "targets", List.of(ip));
  }

  private void reportTakenIn() {
    GenericKubernetesResource d = dnsEndpoint();
    long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
    d.setAdditionalProperty("status", Map.of("observedGeneration", generation));
    h.client()
        .genericKubernetesResources(PublicEndpoint.DNS_ENDPOINT)
        .inNamespace(NS)
        .resource(d)
        .updateStatus();
  }

  private Condition dns() {
    IoTHub hub = h.hub(NS, "contoso-hub");
    return hub.getStatus() == null
        ? null
        : Conditions.find(hub.getStatus().getConditions(), PublicEndpoint.CONDITION).orElse(null);
  }

  private Condition awaitDns(DnsReason reason) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(this::dns, c -> c != null && reason.name().equals(c.getReason()));
  }
}
