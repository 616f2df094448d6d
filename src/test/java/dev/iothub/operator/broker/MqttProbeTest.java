package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.operator.broker.MqttProbe.Outcome;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class MqttProbeTest {
  @Test
  void classifiesTransportFailuresByTheirCause() {
    assertThat(MqttProbe.classify(new RuntimeException(new ConnectException("refused"))))
        .isEqualTo(Outcome.CONNECT_REFUSED);
    assertThat(MqttProbe.classify(new RuntimeException(new SSLHandshakeException("PKIX"))))
        .isEqualTo(Outcome.TLS_FAILURE);
    assertThat(MqttProbe.classify(new CompletionException(new UnknownHostException("x"))))
        .isEqualTo(Outcome.UNREACHABLE);
    assertThat(MqttProbe.classify(new IllegalStateException("?"))).isEqualTo(Outcome.FAILED);
  }

  @Test
  void reasonsAreCamelCaseForConditions() {
    for (Outcome outcome : Outcome.values()) {
      assertThat(outcome.reason()).matches("[A-Z][A-Za-z]+");
    }
    assertThat(Outcome.CONNECT_REFUSED.reason()).isEqualTo("ConnectRefused");
  }
}
