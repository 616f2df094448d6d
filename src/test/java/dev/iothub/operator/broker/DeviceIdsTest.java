package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.DeviceSpec;
import org.junit.jupiter.api.Test;

class DeviceIdsTest {
  @Test
  void acceptsAzureStyleIds() {
    for (String id :
        new String[] {
          "thermostat-1", "a", "dev.01_x", "Sensor(3)", "m@x=1,y?!*'%$", "x".repeat(128)
        }) {
      assertThat(DeviceIds.isValid(id)).as(id).isTrue();
    }
  }

  @Test
  void refusesIdsThatWouldBreakThePasswordFileTopicsOrConnectionString() {
    for (String id :
        new String[] {
          "", "a:b", "a+b", "#", "a/b", "a;b", "a b", "a\nb", "é", "x".repeat(129), null
        }) {
      assertThat(DeviceIds.isValid(id)).as(String.valueOf(id)).isFalse();
    }
  }

  @Test
  void eachRefusalSaysWhyWithoutQuotingTheId() {
    assertThat(DeviceIds.problem("")).isEqualTo("is empty");
    assertThat(DeviceIds.problem("k".repeat(129))).isEqualTo("is longer than 128 characters");
    assertThat(DeviceIds.problem("key:abc")).startsWith("has a character the broker cannot hold");
    assertThat(DeviceIds.problem("iothub-probe"))
        .isEqualTo(
            "is the name of one of the operator's own broker users (iothub-backend,"
                + " iothub-probe)");
    assertThat(DeviceIds.problem("iothub-probe-2")).isNull();
  }

  @Test
  void theCrdRefusesExactlyTheReservedNames() {
    // DeviceSpec (api) cannot see ServiceUser (broker): the CEL rule spells the names out.
    String listed =
        DeviceSpec.NOT_RESERVED.substring(
            DeviceSpec.NOT_RESERVED.indexOf('[') + 1, DeviceSpec.NOT_RESERVED.indexOf(']'));
    assertThat(listed.replace("'", "").split(",\\s*"))
        .containsExactlyElementsOf(ServiceUser.usernames());
    assertThat(DeviceSpec.ID_PATTERN).isEqualTo(DeviceIds.PATTERN);
  }

  @Test
  void reservesServiceUserNames() {
    for (ServiceUser user : ServiceUser.values()) {
      assertThat(DeviceIds.isValid(user.username())).isFalse();
    }
  }
}
