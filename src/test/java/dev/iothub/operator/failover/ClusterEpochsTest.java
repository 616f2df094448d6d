package dev.iothub.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.operator.region.ClusterRef;
import dev.iothub.operator.region.Region;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** West's view: East US is the region in the other cluster. */
class ClusterEpochsTest {
  private static final LocationRef WEST = new LocationRef("westus", "West US");
  private static final LocationRef EAST = new LocationRef("eastus", "East US");
  private static final Region EAST_REGION =
      new Region(
          "eastus",
          "East US",
          Optional.of("westus"),
          "iothub-eastus",
          Optional.of(ClusterRef.secret("east-kubeconfig")));

  @Test
  void aClusterThatComesBackBelowThePeersEpochStandsDown() {
    IoTHubStatus own = status(WEST, 0);
    assertThat(ClusterEpochs.followPeer(own, peer(EAST, 1), EAST_REGION)).isTrue();
    assertThat(own.getCurrentLocation()).isEqualTo(EAST);
    assertThat(own.getFailoverLocation()).isEqualTo(WEST);
    assertThat(own.getEpoch()).isEqualTo(1L);
    // Followed once: the next look changes nothing.
    assertThat(ClusterEpochs.followPeer(own, peer(EAST, 1), EAST_REGION)).isFalse();
  }

  @Test
  void aPeerAtTheSameOrALowerEpochIsNotFollowed() {
    IoTHubStatus own = status(WEST, 1);
    assertThat(ClusterEpochs.followPeer(own, peer(EAST, 1), EAST_REGION)).isFalse();
    assertThat(ClusterEpochs.followPeer(own, peer(EAST, 0), EAST_REGION)).isFalse();
    assertThat(own.getCurrentLocation()).isEqualTo(WEST);
  }

  @Test
  void aPeerThatDoesNotServeInItsOwnRegionIsNotFollowed() {
    // East at a higher epoch, but it says the hub runs in West US: it stands by itself.
    IoTHubStatus own = status(WEST, 0);
    assertThat(ClusterEpochs.followPeer(own, peer(WEST, 2), EAST_REGION)).isFalse();
    assertThat(own.getCurrentLocation()).isEqualTo(WEST);
  }

  @Test
  void nothingChangesWhileAnOperationRunsHere() {
    IoTHubStatus own = status(WEST, 0);
    own.setOperation(new ActiveOperation());
    assertThat(ClusterEpochs.followPeer(own, peer(EAST, 3), EAST_REGION)).isFalse();
    assertThat(own.getEpoch()).isNull();
  }

  @Test
  void aStandbyTakesUpTheServingEpoch() {
    IoTHubStatus own = status(EAST, 0);
    assertThat(ClusterEpochs.followPeer(own, peer(EAST, 2), EAST_REGION)).isFalse();
    assertThat(own.getEpoch()).isEqualTo(2L);
    assertThat(ClusterEpochs.promoted(own)).isEqualTo(3L);
  }

  @Test
  void theServingSideHandsOverOnlyToAFailoverThatTakesTheHubFromIt() {
    IoTHub peer = peer(WEST, 0);
    assertThat(ClusterEpochs.takingOver(peer, EAST_REGION, WEST)).isNull();

    ActiveOperation op = new ActiveOperation();
    op.setRequestUid("uid-to-east");
    op.setSource(WEST);
    op.setTarget(EAST);
    peer.getStatus().setOperation(op);
    assertThat(ClusterEpochs.takingOver(peer, EAST_REGION, WEST)).isEqualTo("uid-to-east");
    // Not from here (this cluster stands by in East US's view of things): nothing to hand over.
    assertThat(ClusterEpochs.takingOver(peer, EAST_REGION, EAST)).isNull();
  }

  private static IoTHubStatus status(LocationRef current, long epoch) {
    IoTHubStatus s = new IoTHubStatus();
    s.setCurrentLocation(current);
    s.setFailoverLocation(current.equals(WEST) ? EAST : WEST);
    s.setEpoch(epoch == 0 ? null : epoch);
    return s;
  }

  private static IoTHub peer(LocationRef current, long epoch) {
    IoTHub hub = new IoTHub();
    hub.setStatus(status(current, epoch));
    return hub;
  }
}
