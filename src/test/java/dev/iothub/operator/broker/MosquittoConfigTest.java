package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MosquittoConfigTest {
  @Test
  void podConfigHasTlsOn8883AndNoAnonymousClients() {
    String conf = MosquittoConfig.render(MosquittoConfig.Layout.inPod());
    assertThat(conf.lines())
        .contains(
            "per_listener_settings false",
            "allow_anonymous false",
            "persistence false",
            "log_dest stderr",
            "password_file /mosquitto/auth/passwd",
            "acl_file /mosquitto/config/acl",
            "listener 8883",
            "cafile /mosquitto/tls/ca.crt",
            "certfile /mosquitto/tls/tls.crt",
            "keyfile /mosquitto/tls/tls.key",
            "tls_version tlsv1.2",
            "use_username_as_clientid true");
    // the security settings come before the listener, TLS settings after it
    int listener = conf.indexOf("\nlistener ");
    assertThat(conf.indexOf("allow_anonymous")).isLessThan(listener);
    assertThat(conf.indexOf("password_file")).isLessThan(listener);
    assertThat(conf.indexOf("cafile")).isGreaterThan(listener);
  }

  @Test
  void testLayoutPutsEveryFileInOneDirectoryOnLoopback() {
    String conf =
        MosquittoConfig.render(MosquittoConfig.Layout.inDirectory(Path.of("/tmp/b"), 18883));
    assertThat(conf.lines())
        .contains(
            "listener 18883 127.0.0.1",
            "password_file /tmp/b/passwd",
            "acl_file /tmp/b/acl",
            "cafile /tmp/b/ca.crt");
  }

  @Test
  void refusesValuesThatWouldInjectOptions() {
    assertThatThrownBy(
            () ->
                new MosquittoConfig.Layout(
                    1, null, "/a", "/b", "/c", "/d\nallow_anonymous true", "/e"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
