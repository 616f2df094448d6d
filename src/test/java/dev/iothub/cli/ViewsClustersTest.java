package dev.iothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubSpec;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.api.v1alpha1.RegionClusterStatus;
import dev.iothub.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code hub show} of a hub with a region in another cluster. */
class ViewsClustersTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:05:00Z");

  @Test
  void showsWhichClusterEachRegionIsInAndWhetherItAnswers() {
    IoTHub hub = hub(true);
    assertThat(show(hub))
        .contains("Current cluster:    this cluster")
        .contains("Failover cluster:   east (10.0.0.1:6443), reachable since 2026-12-03T10:00:00Z");
  }

  @Test
  void anUnreachableClusterShowsItsReasonAndWhatToDo() {
    IoTHub hub = hub(false);
    Conditions.set(
        hub.getStatus().getConditions(),
        "PeerReachable",
        false,
        "PeerCredentialsRefused",
        "Cluster east refused the kubeconfig in Secret sys/east-kubeconfig: 401. Renew it.",
        1L,
        NOW);
    assertThat(show(hub))
        .contains(
            "Failover cluster:   east (10.0.0.1:6443), NOT reachable since"
                + " 2026-12-03T10:00:00Z (PeerCredentialsRefused): Cluster east refused");
  }

  @Test
  void aHubWithBothRegionsInOneClusterShowsNoClusterLines() {
    IoTHub hub = hub(true);
    hub.getStatus().setRegionClusters(List.of());
    assertThat(show(hub)).doesNotContain("cluster:");
  }

  @Test
  void aPublicHostNameShowsWhereItsRecordStands() {
    IoTHub hub = hub(true);
    assertThat(show(hub)).doesNotContain("Public host name");
    dev.iothub.api.v1alpha1.EndpointSpec endpoint = new dev.iothub.api.v1alpha1.EndpointSpec();
    endpoint.setHostName("mqtt.contoso.com");
    hub.getSpec().setEndpoint(endpoint);
    assertThat(show(hub)).contains("Public host name:   mqtt.contoso.com (not looked at yet)");
    Conditions.set(
        hub.getStatus().getConditions(),
        "DnsPublished",
        false,
        "DnsEndpointCrdMissing",
        "This cluster has no DNSEndpoint resource.",
        1L,
        NOW);
    assertThat(show(hub))
        .contains(
            "Public host name:   mqtt.contoso.com, NOT published (DnsEndpointCrdMissing): This"
                + " cluster has no DNSEndpoint resource.");
    Conditions.set(
        hub.getStatus().getConditions(),
        "DnsPublished",
        true,
        "Published",
        "mqtt.contoso.com points at 192.0.2.10 (A, TTL 30 s).",
        1L,
        NOW);
    assertThat(show(hub))
        .contains("Public host name:   mqtt.contoso.com, published (Published): mqtt.contoso.com");
  }

  private static String show(IoTHub hub) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Views.hub(hub, new PrintStream(bytes, true, StandardCharsets.UTF_8), NOW);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static IoTHub hub(boolean reachable) {
    IoTHub hub = new IoTHub();
    hub.setMetadata(new ObjectMetaBuilder().withName("hub").withNamespace("ns").build());
    IoTHubSpec spec = new IoTHubSpec();
    spec.setLocation("westus");
    hub.setSpec(spec);
    IoTHubStatus s = new IoTHubStatus();
    s.setState(HubState.Active);
    s.setPrimaryLocation(new LocationRef("westus", "West US"));
    s.setCurrentLocation(new LocationRef("westus", "West US"));
    s.setFailoverLocation(new LocationRef("eastus", "East US"));
    RegionClusterStatus east = new RegionClusterStatus();
    east.setRegion("eastus");
    east.setCluster("east");
    east.setServer("10.0.0.1:6443");
    east.setReachable(reachable);
    east.setReason(reachable ? "Reachable" : "PeerCredentialsRefused");
    east.setSince("2026-12-03T10:00:00Z");
    s.setRegionClusters(new java.util.ArrayList<>(List.of(east)));
    hub.setStatus(s);
    return hub;
  }
}
