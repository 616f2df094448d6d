package dev.iothub.operator.region;

import java.util.List;

/**
 * Azure's public regions with their display names and geo-pairs, as the Azure documentation on
 * cross-region replication lists them. Some pairs are one-way: {@code westus3} fails over to {@code
 * eastus}, while {@code eastus} pairs with {@code westus}. Regions added after 2020 mostly have no
 * pair at all.
 */
final class AzureRegions {
  private AzureRegions() {}

  /** A row of the table; {@code pair} is null for a region without a geo-pair. */
  record Entry(String id, String displayName, String pair) {}

  static final List<Entry> ALL =
      List.of(
          // Americas
          new Entry("brazilsouth", "Brazil South", "southcentralus"),
          new Entry("brazilsoutheast", "Brazil Southeast", "brazilsouth"),
          new Entry("canadacentral", "Canada Central", "canadaeast"),
          new Entry("canadaeast", "Canada East", "canadacentral"),
          new Entry("centralus", "Central US", "eastus2"),
          new Entry("eastus", "East US", "westus"),
          new Entry("eastus2", "East US 2", "centralus"),
          new Entry("northcentralus", "North Central US", "southcentralus"),
          new Entry("southcentralus", "South Central US", "northcentralus"),
          new Entry("westcentralus", "West Central US", "westus2"),
          new Entry("westus", "West US", "eastus"),
          new Entry("westus2", "West US 2", "westcentralus"),
          new Entry("westus3", "West US 3", "eastus"),
          new Entry("mexicocentral", "Mexico Central", null),
          new Entry("chilecentral", "Chile Central", null),
          // Asia Pacific
          new Entry("australiacentral", "Australia Central", "australiacentral2"),
          new Entry("australiacentral2", "Australia Central 2", "australiacentral"),
          new Entry("australiaeast", "Australia East", "australiasoutheast"),
          new Entry("australiasoutheast", "Australia Southeast", "australiaeast"),
          new Entry("centralindia", "Central India", "southindia"),
          new Entry("southindia", "South India", "centralindia"),
          new Entry("westindia", "West India", "southindia"),
          new Entry("jioindiacentral", "Jio India Central", "jioindiawest"),
          new Entry("jioindiawest", "Jio India West", "jioindiacentral"),
          new Entry("eastasia", "East Asia", "southeastasia"),
          new Entry("southeastasia", "Southeast Asia", "eastasia"),
          new Entry("japaneast", "Japan East", "japanwest"),
          new Entry("japanwest", "Japan West", "japaneast"),
          new Entry("koreacentral", "Korea Central", "koreasouth"),
          new Entry("koreasouth", "Korea South", "koreacentral"),
          new Entry("indonesiacentral", "Indonesia Central", null),
          new Entry("malaysiawest", "Malaysia West", null),
          new Entry("newzealandnorth", "New Zealand North", null),
          // Europe
          new Entry("northeurope", "North Europe", "westeurope"),
          new Entry("westeurope", "West Europe", "northeurope"),
          new Entry("uksouth", "UK South", "ukwest"),
          new Entry("ukwest", "UK West", "uksouth"),
          new Entry("francecentral", "France Central", "francesouth"),
          new Entry("francesouth", "France South", "francecentral"),
          new Entry("germanywestcentral", "Germany West Central", "germanynorth"),
          new Entry("germanynorth", "Germany North", "germanywestcentral"),
          new Entry("norwayeast", "Norway East", "norwaywest"),
          new Entry("norwaywest", "Norway West", "norwayeast"),
          new Entry("switzerlandnorth", "Switzerland North", "switzerlandwest"),
          new Entry("switzerlandwest", "Switzerland West", "switzerlandnorth"),
          new Entry("swedencentral", "Sweden Central", "swedensouth"),
          new Entry("swedensouth", "Sweden South", "swedencentral"),
          new Entry("italynorth", "Italy North", null),
          new Entry("polandcentral", "Poland Central", null),
          new Entry("spaincentral", "Spain Central", null),
          // Middle East and Africa
          new Entry("uaenorth", "UAE North", "uaecentral"),
          new Entry("uaecentral", "UAE Central", "uaenorth"),
          new Entry("southafricanorth", "South Africa North", "southafricawest"),
          new Entry("southafricawest", "South Africa West", "southafricanorth"),
          new Entry("qatarcentral", "Qatar Central", null),
          new Entry("israelcentral", "Israel Central", null));
}
