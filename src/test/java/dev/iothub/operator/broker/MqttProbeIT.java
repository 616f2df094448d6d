package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.embedded.MosquittoProcess;
import dev.iothub.operator.broker.MqttProbe.Outcome;
import dev.iothub.operator.broker.MqttProbe.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe against real mosquitto brokers rendered from the hub's files, good and broken. */
class MqttProbeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final Closer cleanup = new Closer();

  @AfterEach
  void stop() throws Exception {
    cleanup.closeAll();
  }

  @Test
  void succeedsAgainstAGoodBrokerByHostNameAndByRegionServiceName() {
    MosquittoProcess broker = start(TestHub.CA, TestHub.SERVER);
    MqttProbe probe = new MqttProbe(TestHub.CA.certificatePem(), TestHub.PROBE_KEY);

    Result byHost = probe.probe(TestHub.HOST, broker.port(), TIMEOUT);
    assertThat(byHost.outcome()).as(byHost.message()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(byHost.succeeded()).isTrue();
    assertThat(byHost.elapsed()).isLessThan(TIMEOUT);

    Result byService = probe.probe(loopbackNamed(TestHub.WEST_BROKER, broker.port()), TIMEOUT);
    assertThat(byService.outcome()).as(byService.message()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void failsWithTlsFailureAgainstABrokerWhoseCertificateIsFromAnotherCa() {
    HubCertificates.Issued otherCa =
        HubCertificates.newCertificateAuthority("someone-else", Instant.now());
    HubCertificates.Issued otherServer =
        HubCertificates.newServerCertificate(otherCa, List.of(TestHub.HOST), Instant.now());
    MosquittoProcess impostor = start(otherCa, otherServer);

    Result result =
        new MqttProbe(TestHub.CA.certificatePem(), TestHub.PROBE_KEY)
            .probe(TestHub.HOST, impostor.port(), TIMEOUT);
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.TLS_FAILURE);
    assertThat(result.outcome().reason()).isEqualTo("TlsFailure");
    assertThat(result.message()).startsWith("connect with localhost:" + impostor.port());
  }

  @Test
  void failsWithTlsFailureForANameTheCertificateDoesNotCover() {
    MosquittoProcess broker = start(TestHub.CA, TestHub.SERVER);
    Result result =
        new MqttProbe(TestHub.CA.certificatePem(), TestHub.PROBE_KEY)
            .probe(loopbackNamed("broker.elsewhere.example", broker.port()), TIMEOUT);
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.TLS_FAILURE);
  }

  @Test
  void failsWithNotAuthorizedForAWrongProbePassword() {
    MosquittoProcess broker = start(TestHub.CA, TestHub.SERVER);
    String wrong = DeviceKeys.newKey();
    Result result =
        new MqttProbe(TestHub.CA.certificatePem(), wrong)
            .probe(TestHub.HOST, broker.port(), TIMEOUT);
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.NOT_AUTHORIZED);
    assertThat(result.outcome().reason()).isEqualTo("NotAuthorized");
    assertThat(result.message()).doesNotContain(wrong).contains("NOT_AUTHORIZED");
  }

  @Test
  void failsWithConnectRefusedWhenNoBrokerListens() {
    Result result =
        new MqttProbe(TestHub.CA.certificatePem(), TestHub.PROBE_KEY)
            .probe(TestHub.HOST, MosquittoProcess.freePort(), TIMEOUT);
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.CONNECT_REFUSED);
  }

  @Test
  void failsWithTimeoutWithinItsDeadlineWhenTheServerNeverAnswers() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // hold the connection, say nothing
                  }
                } catch (IOException closed) {
                  // test over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();

      Result result =
          new MqttProbe(TestHub.CA.certificatePem(), TestHub.PROBE_KEY)
              .probe(TestHub.HOST, silent.getLocalPort(), Duration.ofSeconds(1));
      assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.TIMEOUT);
      assertThat(result.message()).contains("no connect");
      assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(3));
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  @Test
  void failsWithUnreachableForAnUnknownHost() {
    Result result =
        new MqttProbe(TestHub.CA.certificatePem(), TestHub.PROBE_KEY)
            .probe("no-such-broker.invalid", 8883, TIMEOUT);
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.UNREACHABLE);
  }

  private MosquittoProcess start(HubCertificates.Issued ca, HubCertificates.Issued server) {
    BrokerDirectory files = BrokerDirectory.render(ca, server, TestHub.passwordFile(List.of()));
    cleanup.add(files);
    MosquittoProcess broker = files.start();
    cleanup.add(broker);
    return broker;
  }

  /** 127.0.0.1, but named {@code host} for TLS: no DNS lookup, the name is what gets verified. */
  private static InetSocketAddress loopbackNamed(String host, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
