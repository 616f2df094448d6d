package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeviceKeysTest {
  @Test
  void keysAre32RandomBytesInBase64() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String key = DeviceKeys.newKey();
      assertThat(key).hasSize(44);
      assertThat(Base64.getDecoder().decode(key)).hasSize(32);
      keys.add(key);
    }
    assertThat(keys).hasSize(100);
  }

  @Test
  void connectionStringHasAzuresFormat() {
    assertThat(
            DeviceKeys.connectionString("contoso-hub.iothub.example", "thermostat-1", "a2V5+/=="))
        .isEqualTo(
            "HostName=contoso-hub.iothub.example;DeviceId=thermostat-1;SharedAccessKey=a2V5+/==");
  }

  @Test
  void refusesFieldsThatWouldSplitTheString() {
    assertThatThrownBy(() -> DeviceKeys.connectionString("h", "a;b", "k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deviceId");
    assertThatThrownBy(() -> DeviceKeys.connectionString("", "a", "k"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
