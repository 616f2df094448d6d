package dev.iothub.operator.hub;

import static dev.iothub.operator.hub.TestHubs.AZURE;
import static dev.iothub.operator.hub.TestHubs.hub;
import static dev.iothub.operator.hub.TestHubs.locations;
import static dev.iothub.operator.hub.TestHubs.recorded;
import static dev.iothub.operator.hub.TestHubs.region;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.region.RegionOverride;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubLocationsTest {

  /** The catalog after the operator's configuration re-paired West US 2 with East US. */
  static final RegionCatalog REPAIRED =
      RegionCatalog.build(
          RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
          Map.of("westus2", RegionOverride.pairedWith("eastus")));

  static final RegionCatalog UNPAIRED =
      RegionCatalog.build(
          RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
          Map.of("westus2", RegionOverride.pairedWith(RegionOverride.NO_PAIR)));

  @Test
  void aNewHubRunsInItsPrimaryAndFailsOverToThePair() {
    HubLocations locations = locations(hub("westus2"));

    assertThat(locations.primary().id()).isEqualTo("westus2");
    assertThat(locations.secondary().id()).isEqualTo("westcentralus");
    assertThat(locations.current().id()).isEqualTo("westus2");
    assertThat(locations.failover().id()).isEqualTo("westcentralus");
    assertThat(locations.runsInPrimary()).isTrue();
  }

  @Test
  void aOneWayPairIsFollowedFromThePrimary() {
    assertThat(locations(hub("westus3")).failover().id()).isEqualTo("eastus");
    assertThat(locations(hub("eastus")).failover().id()).isEqualTo("westus");
  }

  @Test
  void anUnknownLocationIsAProblem() {
    HubLocations.Resolution r = HubLocations.resolve(hub("atlantis"), AZURE);

    assertThat(r.locations()).isNull();
    assertThat(r.problem().reason()).isEqualTo("UnknownLocation");
    assertThat(r.problem().message())
        .startsWith("Location 'atlantis' is not a known region.")
        .contains("westus2");
  }

  @Test
  void anUnpairedLocationIsAProblem() {
    HubLocations.Resolution r = HubLocations.resolve(hub("italynorth"), AZURE);

    assertThat(r.locations()).isNull();
    assertThat(r.problem().reason()).isEqualTo("LocationNotPaired");
    assertThat(r.problem().message())
        .startsWith("Italy North (italynorth) has no geo-pair, so a hub there cannot fail over.");
  }

  @Test
  void aHubRunningInItsFailoverLocationFailsBackToItsPrimary() {
    IoTHub hub = recorded(hub("westus2"), "westus2", "westcentralus", "westus2");

    HubLocations locations = locations(hub);

    assertThat(locations.primary().id()).isEqualTo("westus2");
    assertThat(locations.secondary().id()).isEqualTo("westcentralus");
    assertThat(locations.current().id()).isEqualTo("westcentralus");
    assertThat(locations.failover().id()).isEqualTo("westus2");
    assertThat(locations.runsInPrimary()).isFalse();
  }

  @Test
  void aHubKeepsThePairItWasCreatedWithWhenTheCatalogIsRepaired() {
    assertThat(locations(hub("westus2"), REPAIRED).secondary().id())
        .as("a new hub follows the new pair")
        .isEqualTo("eastus");

    IoTHub existing = recorded(hub("westus2"), "westus2", "westus2", "westcentralus");
    HubLocations locations = locations(existing, REPAIRED);

    assertThat(locations.secondary().id()).isEqualTo("westcentralus");
    assertThat(locations.current().id()).isEqualTo("westus2");
    assertThat(locations.failover().id()).isEqualTo("westcentralus");
  }

  @Test
  void aHubRunningInItsOldPairStaysThereWhenTheCatalogIsRepaired() {
    IoTHub failedOver = recorded(hub("westus2"), "westus2", "westcentralus", "westus2");

    HubLocations locations = locations(failedOver, REPAIRED);

    assertThat(locations.current().id()).isEqualTo("westcentralus");
    assertThat(locations.secondary().id()).isEqualTo("westcentralus");
    assertThat(locations.failover().id()).isEqualTo("westus2");
  }

  @Test
  void aHubKeepsItsPairWhenTheCatalogRemovesIt() {
    assertThat(HubLocations.resolve(hub("westus2"), UNPAIRED).problem().reason())
        .as("a new hub there can no longer be created")
        .isEqualTo("LocationNotPaired");

    IoTHub existing = recorded(hub("westus2"), "westus2", "westcentralus", "westus2");
    HubLocations locations = locations(existing, UNPAIRED);

    assertThat(locations.current().id()).isEqualTo("westcentralus");
    assertThat(locations.failover().id()).isEqualTo("westus2");
  }

  @Test
  void aStatusRecordedForAnotherPrimaryIsNotTrusted() {
    IoTHub hub = recorded(hub("westus2"), "eastus", "westus", "eastus");

    HubLocations locations = locations(hub);

    assertThat(locations.secondary().id()).isEqualTo("westcentralus");
    assertThat(locations.current().id()).isEqualTo("westus2");
  }

  @Test
  void aLocationIsShownByIdAndDisplayName() {
    assertThat(HubLocations.ref(region("westcentralus")))
        .isEqualTo(new LocationRef("westcentralus", "West Central US"));
  }
}
