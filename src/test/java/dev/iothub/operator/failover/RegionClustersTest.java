package dev.iothub.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.api.v1alpha1.RegionClusterStatus;
import dev.iothub.api.v1alpha1.RequestReason;
import dev.iothub.operator.peer.PeerReach;
import dev.iothub.operator.region.ClusterRef;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a hub reports the clusters of its regions, and what the rules make of them. */
class RegionClustersTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private static final Region EAST =
      new Region(
          "eastus",
          "East US",
          Optional.of("westus"),
          "iothub-eastus",
          Optional.of(ClusterRef.secret("east-kubeconfig")));
  private static final PeerReach UP =
      new PeerReach(
          "east", "10.0.0.1:6443", "sys/east-kubeconfig", PeerReach.Verdict.Reachable, "ok");
  private static final PeerReach DOWN =
      new PeerReach(
          "east",
          "10.0.0.1:6443",
          "sys/east-kubeconfig",
          PeerReach.Verdict.PeerUnreachable,
          "gone");

  @Test
  void sinceMovesOnlyWhenReachabilityChanges() {
    IoTHub hub = hub();
    hub.setStatus(build(hub, T0, UP));
    assertThat(entry(hub).getSince()).isEqualTo("2026-12-03T10:00:00Z");
    hub.setStatus(build(hub, T0.plusSeconds(30), UP));
    assertThat(entry(hub).getSince()).isEqualTo("2026-12-03T10:00:00Z");
    assertThat(peerCondition(hub).getStatus()).isEqualTo("True");

    hub.setStatus(build(hub, T0.plusSeconds(60), DOWN));
    assertThat(entry(hub).getSince()).isEqualTo("2026-12-03T10:01:00Z");
    assertThat(entry(hub).getReachable()).isFalse();
    assertThat(entry(hub).getReason()).isEqualTo("PeerUnreachable");
    assertThat(peerCondition(hub).getStatus()).isEqualTo("False");
    assertThat(peerCondition(hub).getReason()).isEqualTo("PeerUnreachable");
    assertThat(peerCondition(hub).getMessage()).isEqualTo("gone");
  }

  @Test
  void aHubWithBothRegionsHereReportsNoClusters() {
    IoTHub hub = hub();
    hub.setStatus(build(hub, T0, UP));
    IoTHubStatusBuilder b = new IoTHubStatusBuilder(hub, T0, FailoverPolicy.azureDefaults());
    b.regionClusters(Map.of());
    assertThat(b.status().getRegionClusters()).isEmpty();
    assertThat(Conditions.find(b.status().getConditions(), IoTHubStatusBuilder.PEER_REACHABLE))
        .isEmpty();
  }

  @Test
  void aFailoverIntoAnotherClusterIsRefusedNamingTheCluster() {
    IoTHub hub = hub();
    hub.setStatus(build(hub, T0, UP));
    Decision d = FailoverRules.evaluate(request(), hub, FailoverPolicy.azureDefaults(), T0);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).isEqualTo(RequestReason.TargetInAnotherCluster.name());
    assertThat(d.message()).contains("East US").contains("cluster east");
  }

  @Test
  void theStandbyTakesTheHubOverWhetherTheServingClusterAnswersOrNotButNeverOnARefusal() {
    // Answers: a planned handover. Does not answer: its copy is promoted.
    assertThat(
            FailoverRules.evaluate(request(), standby(UP), FailoverPolicy.azureDefaults(), T0)
                .allowed())
        .isTrue();
    assertThat(
            FailoverRules.evaluate(request(), standby(DOWN), FailoverPolicy.azureDefaults(), T0)
                .allowed())
        .isTrue();

    PeerReach refused =
        new PeerReach(
            "east", "10.0.0.1:6443", "s/k", PeerReach.Verdict.PeerCredentialsRefused, "401");
    Decision onRefusal =
        FailoverRules.evaluate(request(), standby(refused), FailoverPolicy.azureDefaults(), T0);
    assertThat(onRefusal.reason()).isEqualTo(RequestReason.TargetInAnotherCluster.name());
    assertThat(onRefusal.message()).contains("cluster east").contains("nothing is promoted");
  }

  /** This cluster holds West US; the hub runs in East US, in cluster east. */
  private static IoTHub standby(PeerReach east) {
    IoTHub hub = hub();
    IoTHubStatus s = hub.getStatus();
    s.setCurrentLocation(new LocationRef("eastus", "East US"));
    s.setFailoverLocation(new LocationRef("westus", "West US"));
    Conditions.set(
        s.getConditions(),
        IoTHubStatusBuilder.READY,
        false,
        "RunsInAnotherCluster",
        "The hub runs in East US, in another cluster.",
        1L,
        T0);
    hub.setStatus(build(hub, T0, east));
    hub.getStatus()
        .setState(
            new IoTHubStatusBuilder(hub, T0, FailoverPolicy.azureDefaults()).build().getState());
    assertThat(hub.getStatus().getState()).isEqualTo(HubState.Standby);
    return hub;
  }

  private static IoTHubStatus build(IoTHub hub, Instant now, PeerReach reach) {
    IoTHubStatusBuilder b = new IoTHubStatusBuilder(hub, now, FailoverPolicy.azureDefaults());
    b.regionClusters(Map.of(EAST, reach));
    return b.status();
  }

  private static RegionClusterStatus entry(IoTHub hub) {
    assertThat(hub.getStatus().getRegionClusters()).hasSize(1);
    return hub.getStatus().getRegionClusters().get(0);
  }

  private static Condition peerCondition(IoTHub hub) {
    return Conditions.find(hub.getStatus().getConditions(), IoTHubStatusBuilder.PEER_REACHABLE)
        .orElseThrow();
  }

  private static IoTHub hub() {
    IoTHub hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder().withName("hub").withNamespace("ns").withGeneration(1L).build());
    IoTHubStatus status = new IoTHubStatus();
    status.setState(HubState.Active);
    status.setPrimaryLocation(new LocationRef("westus", "West US"));
    status.setCurrentLocation(new LocationRef("westus", "West US"));
    status.setFailoverLocation(new LocationRef("eastus", "East US"));
    Conditions.set(status.getConditions(), "Ready", true, "BrokerAvailable", "ok", 1L, T0);
    hub.setStatus(status);
    return hub;
  }

  private static FailoverRequest request() {
    FailoverRequest r = new FailoverRequest();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName("to-east")
            .withNamespace("ns")
            .withUid("uid-1")
            .withCreationTimestamp("2026-12-03T09:59:00Z")
            .build());
    FailoverRequestSpec spec = new FailoverRequestSpec();
    spec.setHubName("hub");
    spec.setConfirmHubName("hub");
    r.setSpec(spec);
    return r;
  }
}
