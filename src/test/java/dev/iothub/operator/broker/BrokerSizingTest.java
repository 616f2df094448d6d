package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrokerSizingTest {
  /** The longest password-file line: a 128-character id, ':', a 112-character hash, newline. */
  private static final long LONGEST_LINE = 128 + 1 + 112 + 1;

  @ParameterizedTest
  @CsvSource({
    "0, 65536",
    "1, 65536",
    "65536, 65536",
    "65537, 131072",
    "100000, 131072",
    "524289, 1048576",
    "1000000, 1048576",
    "1048576, 1048576",
    "1048577, 2097152",
    "5000000, 8388608"
  })
  void theStepIsTheNextPowerOfTwoAndAtLeastTheMinimum(long devices, long capacity) {
    assertThat(BrokerSizing.forDevices(devices).capacity()).isEqualTo(capacity);
  }

  @Test
  void everyFleetWithinAStepGetsTheSameResourcesSoThePodsDoNotRollOnEachDevice() {
    BrokerSizing low = BrokerSizing.forDevices(524_289);
    BrokerSizing high = BrokerSizing.forDevices(1_048_576);
    assertThat(high.broker()).isEqualTo(low.broker());
    assertThat(high.helper()).isEqualTo(low.helper());
    assertThat(high.authVolumeLimit()).isEqualTo(low.authVolumeLimit());

    BrokerSizing next = BrokerSizing.forDevices(1_048_577);
    assertThat(bytes(next.authVolumeLimit())).isGreaterThan(bytes(high.authVolumeLimit()));
    assertThat(bytes(next.broker().getRequests().get("memory")))
        .isGreaterThan(bytes(high.broker().getRequests().get("memory")));
  }

  @Test
  void theSmallestStepKeepsTheFootprintOfEarlierReleases() {
    BrokerSizing min = BrokerSizing.forDevices(10);
    assertThat(min.authVolumeLimit()).isEqualTo(new Quantity("64Mi"));
    assertThat(min.helper().getLimits().get("memory")).isEqualTo(new Quantity("64Mi"));
    assertThat(bytes(min.broker().getLimits().get("memory")))
        .isGreaterThanOrEqualTo(bytes(new Quantity("256Mi")));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      longs = {1, 65_536, 200_000, 1_000_000, 5_000_000, 8_388_608})
  void theAuthVolumeAndTheHelperHoldTwoFilesOfTheLongestIdsAndTheBrokerItsMeasuredMemory(
      long devices) {
    BrokerSizing s = BrokerSizing.forDevices(devices);
    // The temporary file and the live one at once, every id at its longest.
    long twoFiles = 2 * devices * LONGEST_LINE;
    assertThat(bytes(s.authVolumeLimit())).isGreaterThan(twoFiles);
    assertThat(bytes(s.helper().getLimits().get("memory"))).isGreaterThan(twoFiles);
    // The benchmark: 299 MiB RSS for 1,000,000 devices, 36 MiB for 100,000.
    long measured = devices * 300 + 8L * 1024 * 1024;
    assertThat(bytes(s.broker().getRequests().get("memory"))).isGreaterThan(measured);
    assertThat(bytes(s.broker().getLimits().get("memory")))
        .isGreaterThan(bytes(s.broker().getRequests().get("memory")));
  }

  @Test
  void fiveMillionDevicesAreStillRepresentable() {
    BrokerSizing s = BrokerSizing.forDevices(5_000_000);
    assertThat(s.authVolumeLimit()).isEqualTo(new Quantity("4128Mi"));
    assertThat(s.helper().getLimits().get("memory")).isEqualTo(new Quantity("4128Mi"));
    assertThat(s.broker().getRequests().get("memory")).isEqualTo(new Quantity("2592Mi"));
    assertThat(s.broker().getLimits().get("memory")).isEqualTo(new Quantity("2816Mi"));
  }

  @Test
  void theUsersValuesWinKeyByKey() {
    BrokerSizing s = BrokerSizing.forDevices(1_000_000);
    ResourceRequirements user =
        new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity("1"))
            .addToLimits("memory", new Quantity("4Gi"))
            .build();
    ResourceRequirements merged = s.broker(user);
    assertThat(merged.getRequests().get("cpu")).isEqualTo(new Quantity("1"));
    assertThat(merged.getLimits().get("memory")).isEqualTo(new Quantity("4Gi"));
    assertThat(merged.getRequests().get("memory"))
        .isEqualTo(s.broker().getRequests().get("memory"));
    assertThat(s.broker(null)).isEqualTo(s.broker());
  }

  @Test
  void aUserLimitBelowTheComputedRequestLowersTheRequestAndAUserRequestAboveRaisesTheLimit() {
    BrokerSizing s = BrokerSizing.forDevices(1_000_000);
    ResourceRequirements lowLimit =
        s.broker(
            new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("128Mi")).build());
    assertThat(lowLimit.getLimits().get("memory")).isEqualTo(new Quantity("128Mi"));
    assertThat(lowLimit.getRequests().get("memory")).isEqualTo(new Quantity("128Mi"));

    ResourceRequirements highRequest =
        s.broker(
            new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("8Gi")).build());
    assertThat(highRequest.getRequests().get("memory")).isEqualTo(new Quantity("8Gi"));
    assertThat(highRequest.getLimits().get("memory")).isEqualTo(new Quantity("8Gi"));

    // Both given: as given, even inconsistent; the API server says why.
    ResourceRequirements both =
        s.broker(
            new ResourceRequirementsBuilder()
                .addToRequests("memory", new Quantity("2Gi"))
                .addToLimits("memory", new Quantity("1Gi"))
                .build());
    assertThat(both.getRequests().get("memory")).isEqualTo(new Quantity("2Gi"));
    assertThat(both.getLimits().get("memory")).isEqualTo(new Quantity("1Gi"));
  }

  @Test
  void onlyPowersOfTwoFromTheMinimumAreSteps() {
    assertThatThrownBy(() -> new BrokerSizing(100_000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BrokerSizing(1 << 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BrokerSizing.forDevices(Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static long bytes(Quantity q) {
    return Quantity.getAmountInBytes(q).setScale(0, java.math.RoundingMode.UP).longValueExact();
  }
}
