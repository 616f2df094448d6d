package dev.iothub.operator.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegionCatalogTest {
  static final RegionCatalog AZURE = RegionCatalog.azureDefaults();
  static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

  static Stream<AzureRegions.Entry> table() {
    return AzureRegions.ALL.stream();
  }

  static Stream<AzureRegions.Entry> pairedRows() {
    return table().filter(e -> e.pair() != null);
  }

  static RegionOverride displayName(String name) {
    return new RegionOverride(Optional.of(name), Optional.empty(), Optional.empty());
  }

  static RegionOverride namespace(String namespace) {
    return new RegionOverride(Optional.empty(), Optional.empty(), Optional.of(namespace));
  }

  static String pairOf(RegionCatalog catalog, String id) {
    return catalog.pairOf(id).map(Region::id).orElse(null);
  }

  // ------------------------------------------------------------------------ the built-in table

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void everyRowOfTheTableIsARegionOfTheCatalog(AzureRegions.Entry row) {
    Region region = AZURE.find(row.id()).orElseThrow();

    assertThat(region.displayName()).isEqualTo(row.displayName());
    assertThat(region.pairId()).isEqualTo(Optional.ofNullable(row.pair()));
    assertThat(region.namespace()).isEqualTo("iothub-" + row.id()).matches(DNS1123_LABEL);
    assertThat(region.namespace().length()).isLessThanOrEqualTo(63);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairedRows")
  void everyPairResolvesToAnotherRegionThatExists(AzureRegions.Entry row) {
    Region pair = AZURE.pairOf(row.id()).orElseThrow();

    assertThat(pair.id()).isEqualTo(row.pair()).isNotEqualTo(row.id());
    assertThat(AZURE.find(row.pair())).contains(pair);
  }

  @Test
  void theTableHasEachRegionOnceAndTheCatalogAllOfThem() {
    assertThat(table().map(AzureRegions.Entry::id)).doesNotHaveDuplicates();
    assertThat(AZURE.all()).hasSameSizeAs(AzureRegions.ALL);
    assertThat(AZURE.all()).extracting(Region::namespace).doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @CsvSource({
    "eastus, westus",
    "westus2, westcentralus",
    "northeurope, westeurope",
    "centralus, eastus2",
    "canadacentral, canadaeast",
    "japaneast, japanwest",
    "uksouth, ukwest",
    "australiaeast, australiasoutheast",
    "southeastasia, eastasia",
    "centralindia, southindia",
    "uaenorth, uaecentral",
  })
  void symmetricPairsPointAtEachOther(String a, String b) {
    assertThat(pairOf(AZURE, a)).isEqualTo(b);
    assertThat(pairOf(AZURE, b)).isEqualTo(a);
  }

  @ParameterizedTest
  @CsvSource({
    // region, its pair, the pair's own pair
    "westus3, eastus, westus",
    "brazilsouth, southcentralus, northcentralus",
    "westindia, southindia, centralindia",
    "brazilsoutheast, brazilsouth, southcentralus",
  })
  void oneWayPairsAreKeptOneWay(String region, String pair, String pairOfPair) {
    assertThat(pairOf(AZURE, region)).isEqualTo(pair);
    assertThat(pairOf(AZURE, pair)).isEqualTo(pairOfPair).isNotEqualTo(region);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "italynorth",
        "polandcentral",
        "qatarcentral",
        "spaincentral",
        "israelcentral",
        "mexicocentral",
        "newzealandnorth"
      })
  void newerRegionsHaveNoPair(String id) {
    assertThat(AZURE.find(id)).isPresent();
    assertThat(AZURE.find(id).orElseThrow().pairId()).isEmpty();
    assertThat(AZURE.pairOf(id)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "westus2, West US 2",
    "westcentralus, West Central US",
    "eastus2, East US 2",
    "uaenorth, UAE North",
    "southafricanorth, South Africa North",
  })
  void regionsHaveTheirPortalDisplayNames(String id, String displayName) {
    assertThat(AZURE.find(id).orElseThrow().displayName()).isEqualTo(displayName);
  }

  @Test
  void regionIdsAndDisplayNamesFitTheStatusBounds() {
    // They are written into hub and request statuses, whose CRDs bound them.
    assertThatThrownBy(
            () -> RegionCatalog.build("iothub-{region}", Map.of("a".repeat(64), displayName("A"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than 63 characters");
    assertThatThrownBy(
            () ->
                RegionCatalog.build(
                    "iothub-{region}", Map.of("westus2", displayName("W".repeat(65)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("display name of region 'westus2' is longer than 64 characters");
    assertThat(
            RegionCatalog.build("r-{region}", Map.of("a".repeat(63), displayName("W".repeat(64))))
                .find("a".repeat(63)))
        .isPresent();
  }

  @Test
  void unknownRegionsAreNotFound() {
    assertThat(AZURE.find("atlantis")).isEmpty();
    assertThat(AZURE.pairOf("atlantis")).isEmpty();
    assertThat(AZURE.find("WestUS2")).isEmpty();
    assertThat(AZURE.find(null)).isEmpty();
  }

  // --------------------------------------------------------------------------------- overrides

  @Test
  void anOverrideChangesAPairAndNothingElse() {
    RegionCatalog catalog =
        RegionCatalog.build(
            RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
            Map.of("westus3", RegionOverride.pairedWith("westus")));

    assertThat(pairOf(catalog, "westus3")).isEqualTo("westus");
    assertThat(pairOf(catalog, "westus")).isEqualTo("eastus");
    assertThat(catalog.find("westus3").orElseThrow().displayName()).isEqualTo("West US 3");
    assertThat(catalog.find("westus3").orElseThrow().namespace()).isEqualTo("iothub-westus3");
    assertThat(catalog.all()).hasSameSizeAs(AZURE.all());
  }

  @Test
  void aPairOfNoneRemovesThePair() {
    RegionCatalog catalog =
        RegionCatalog.build(
            RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
            Map.of("eastus", RegionOverride.pairedWith(RegionOverride.NO_PAIR)));

    assertThat(catalog.pairOf("eastus")).isEmpty();
    assertThat(catalog.find("eastus")).isPresent();
    assertThat(pairOf(catalog, "westus")).isEqualTo("eastus");
    assertThat(pairOf(catalog, "westus3")).isEqualTo("eastus");
  }

  @Test
  void anOverrideCanPairAnUnpairedRegion() {
    RegionCatalog catalog =
        RegionCatalog.build(
            RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
            Map.of("italynorth", RegionOverride.pairedWith("francecentral")));

    assertThat(pairOf(catalog, "italynorth")).isEqualTo("francecentral");
    assertThat(pairOf(catalog, "francecentral")).isEqualTo("francesouth");
  }

  @Test
  void anOverrideAddsARegion() {
    RegionCatalog catalog =
        RegionCatalog.build(
            RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
            Map.of(
                "onpremberlin",
                new RegionOverride(
                    Optional.of("On-premises Berlin"),
                    Optional.of("germanywestcentral"),
                    Optional.empty()),
                "onpremmunich",
                RegionOverride.pairedWith("onpremberlin")));

    Region berlin = catalog.find("onpremberlin").orElseThrow();
    assertThat(berlin.displayName()).isEqualTo("On-premises Berlin");
    assertThat(berlin.namespace()).isEqualTo("iothub-onpremberlin");
    assertThat(pairOf(catalog, "onpremberlin")).isEqualTo("germanywestcentral");
    // A new region without a display name is shown by its id.
    assertThat(catalog.find("onpremmunich").orElseThrow().displayName()).isEqualTo("onpremmunich");
    assertThat(pairOf(catalog, "onpremmunich")).isEqualTo("onpremberlin");
    assertThat(catalog.all()).hasSize(AZURE.all().size() + 2);
    assertThat(AZURE.find("onpremberlin")).as("the defaults are not changed").isEmpty();
  }

  @Test
  void anAddedRegionWithoutPairIsUnpaired() {
    RegionCatalog catalog =
        RegionCatalog.build(
            RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE, Map.of("lab", displayName("Lab")));

    assertThat(catalog.find("lab")).isPresent();
    assertThat(catalog.pairOf("lab")).isEmpty();
  }

  @Test
  void anOverrideOfTheDisplayNameKeepsThePairAndNamespace() {
    RegionCatalog catalog =
        RegionCatalog.build(
            RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE, Map.of("westus2", displayName("Seattle")));

    Region westus2 = catalog.find("westus2").orElseThrow();
    assertThat(westus2.displayName()).isEqualTo("Seattle");
    assertThat(westus2.pairId()).contains("westcentralus");
    assertThat(westus2.namespace()).isEqualTo("iothub-westus2");
  }

  @Test
  void aRegionCanBeBackedByANamespaceOfItsOwnChoosing() {
    RegionCatalog catalog =
        RegionCatalog.build(
            RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE, Map.of("westus2", namespace("iot-west")));

    Region westus2 = catalog.find("westus2").orElseThrow();
    assertThat(westus2.namespace()).isEqualTo("iot-west");
    assertThat(westus2.displayName()).isEqualTo("West US 2");
    assertThat(westus2.pairId()).contains("westcentralus");
    assertThat(catalog.find("westcentralus").orElseThrow().namespace())
        .isEqualTo("iothub-westcentralus");
  }

  @Test
  void theNamespaceTemplateAppliesToEveryRegionWithoutItsOwnNamespace() {
    RegionCatalog catalog =
        RegionCatalog.build(
            "hubs-{region}-prod",
            Map.of("westus2", namespace("iot-west"), "lab", displayName("Lab")));

    assertThat(catalog.find("eastus").orElseThrow().namespace()).isEqualTo("hubs-eastus-prod");
    assertThat(catalog.find("lab").orElseThrow().namespace()).isEqualTo("hubs-lab-prod");
    assertThat(catalog.find("westus2").orElseThrow().namespace()).isEqualTo("iot-west");
    assertThat(catalog.all())
        .filteredOn(r -> !r.id().equals("westus2"))
        .allSatisfy(r -> assertThat(r.namespace()).isEqualTo("hubs-" + r.id() + "-prod"));
  }

  // ------------------------------------------------------------------------------------ errors

  @Test
  void aPairNamingAnUnknownRegionIsRefused() {
    assertThatThrownBy(
            () ->
                RegionCatalog.build(
                    RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
                    Map.of("westus2", RegionOverride.pairedWith("atlantis"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 'westus2' is paired with 'atlantis', which is not a region");
  }

  @Test
  void anAddedRegionPairedWithAnUnknownRegionIsRefused() {
    assertThatThrownBy(
            () ->
                RegionCatalog.build(
                    RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
                    Map.of("lab", RegionOverride.pairedWith("lab2"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 'lab' is paired with 'lab2', which is not a region");
  }

  @ParameterizedTest
  @ValueSource(strings = {"iothub", "iothub-{id}", "iothub-{Region}", ""})
  void aTemplateWithoutTheRegionIsRefused(String template) {
    assertThatThrownBy(() -> RegionCatalog.build(template, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the region namespace template '"
                + template
                + "' must contain {region}, or two regions would share a namespace");
  }

  @Test
  void aRegionPairedWithItselfIsRefused() {
    assertThatThrownBy(
            () ->
                RegionCatalog.build(
                    RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
                    Map.of("westus2", RegionOverride.pairedWith("westus2"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 'westus2' cannot be its own pair");
  }

  @Test
  void anAddedRegionPairedWithItselfIsRefused() {
    assertThatThrownBy(
            () ->
                RegionCatalog.build(
                    RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
                    Map.of("lab", RegionOverride.pairedWith("lab"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 'lab' cannot be its own pair");
  }

  @Test
  void aRegionCanBeInAnotherClusterButNotTogetherWithItsPair() {
    RegionCatalog catalog =
        RegionCatalog.build(
            RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
            Map.of(
                "eastus",
                new RegionOverride(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(ClusterRef.secret("east-kubeconfig")))));
    assertThat(catalog.find("eastus").orElseThrow().inAnotherCluster()).isTrue();
    assertThat(catalog.find("eastus").orElseThrow().namespace()).isEqualTo("iothub-eastus");
    assertThat(catalog.find("westus").orElseThrow().inAnotherCluster()).isFalse();

    RegionOverride elsewhere =
        new RegionOverride(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(ClusterRef.secret("other")));
    assertThatThrownBy(
            () ->
                RegionCatalog.build(
                    RegionCatalog.DEFAULT_NAMESPACE_TEMPLATE,
                    Map.of("eastus", elsewhere, "westus", elsewhere)))
        .hasMessageContaining("are both in other clusters");
  }
}
