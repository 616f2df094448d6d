package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;

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
  void reservesServiceUserNames() {
    for (ServiceUser user : ServiceUser.values()) {
      assertThat(DeviceIds.isValid(user.username())).isFalse();
    }
  }
}
