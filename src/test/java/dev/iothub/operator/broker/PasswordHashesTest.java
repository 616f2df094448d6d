package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordHashesTest {
  private static final byte[] SALT = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

  // Expected values from Python's hashlib.pbkdf2_hmac('sha512', password.encode('utf-8'), ...).
  @Test
  void matchesAnIndependentPbkdf2Implementation() {
    assertThat(PasswordHashes.hash("secret", SALT, 101))
        .isEqualTo(
            "$7$101$AAECAwQFBgcICQoL$Xr99N9ym9ys8TWxis5ajETJq6EVYzmc6nb8t3pUYnPBbCAbICS4xejTltonXWCt"
                + "JNBvA+By+TXUqU6qCblO00w==");
    assertThat(PasswordHashes.hash("clé-ü€", SALT, 101))
        .endsWith(
            "$hHvbaJ4ppIwr7aQQtl0+tyPF58Lz26LUB0Aw5lM2nfb8XQtl2Pm7UTEiN/vHGeUCfHx5dUI7t8hi+ZVLe0ld"
                + "gQ==");
    assertThat(PasswordHashes.hash("secret", SALT, 1000))
        .isEqualTo(
            "$7$1000$AAECAwQFBgcICQoL$4wTcmyeXKbX+eU8mRAv8RuY7FkPT5YqwsG6AZlmHKNwWPzuBfjOpFNbp6eDXGOQ"
                + "94FxpOi30RqAptC1OfHP0KA==");
  }

  @Test
  void writesMosquittosFormatWithAFreshSaltEachTime() {
    String key = DeviceKeys.newKey();
    String hash = PasswordHashes.hash(key);
    String[] parts = hash.split("\\$");
    assertThat(parts).hasSize(5);
    assertThat(parts[1]).isEqualTo("7");
    assertThat(parts[2]).isEqualTo("101");
    assertThat(Base64.getDecoder().decode(parts[3])).hasSize(12);
    assertThat(Base64.getDecoder().decode(parts[4])).hasSize(64);
    assertThat(PasswordHashes.hash(key)).isNotEqualTo(hash);
    assertThat(PasswordHashes.isWellFormed(hash)).isTrue();
  }

  @Test
  void verifiesTheRightPasswordOnly() {
    String hash = PasswordHashes.hash("device-key", 7);
    assertThat(PasswordHashes.verify("device-key", hash)).isTrue();
    assertThat(PasswordHashes.verify("device-kez", hash)).isFalse();
    assertThat(PasswordHashes.verify("", hash)).isFalse();
  }

  @Test
  void treatsMalformedHashesAsNoMatch() {
    for (String bad :
        new String[] {
          null,
          "",
          "plain",
          "$6$abc$def",
          "$7$101$AAECAwQFBgcICQoL",
          "$7$x$AAECAwQFBgcICQoL$AAAA",
          "$7$0$AAECAwQFBgcICQoL$AAAA",
          "$7$101$!!!$AAAA",
          "$7$101$AAECAwQFBgcICQoL$AAAA$extra"
        }) {
      assertThat(PasswordHashes.verify("secret", bad)).as(bad).isFalse();
      assertThat(PasswordHashes.isWellFormed(bad)).as(bad).isFalse();
    }
    // verifiable, but not the 64-byte hash that mosquitto_passwd and this class write
    assertThat(PasswordHashes.isWellFormed("$7$101$AAECAwQFBgcICQoL$AAAA")).isFalse();
  }

  @Test
  void refusesToHashAnEmptyPassword() {
    assertThatThrownBy(() -> PasswordHashes.hash("")).isInstanceOf(IllegalArgumentException.class);
  }
}
