package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HubCertificatesTest {
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  private static final List<String> NAMES =
      List.of("contoso-hub.iothub.example", "contoso-hub-broker.iothub-westus2.svc");
  private static HubCertificates.Issued ca;
  private static HubCertificates.Issued server;

  @BeforeAll
  static void issue() {
    ca = HubCertificates.newCertificateAuthority("contoso-hub", NOW);
    server = HubCertificates.newServerCertificate(ca, NAMES, NOW);
  }

  @Test
  void caIsSelfSignedLongLivedAndMayOnlySignLeafCertificates() throws Exception {
    X509Certificate cert = ca.certificate();
    cert.verify(cert.getPublicKey());
    assertThat(cert.getBasicConstraints()).isEqualTo(0);
    assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(cert.getSubjectX500Principal().getName()).contains("CN=IoT hub CA contoso-hub");
    assertThat(cert.getNotAfter().toInstant()).isAfter(NOW.plus(Duration.ofDays(3650)));
    assertThat(ca.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void serverCertificateIsSignedByTheCaForEveryName() throws Exception {
    X509Certificate cert = server.certificate();
    cert.verify(ca.certificate().getPublicKey());
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(HubCertificates.dnsNames(cert)).containsExactlyInAnyOrderElementsOf(NAMES);
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    assertThat(cert.getNotBefore().toInstant()).isBefore(NOW);
    assertThat(server.certificate().getPublicKey()).isNotEqualTo(ca.certificate().getPublicKey());
  }

  @Test
  void privateKeysRoundTripThroughPem() {
    assertThat(server.privateKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(Pem.encode(server.privateKey())).isEqualTo(server.privateKeyPem());
    assertThat(server.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void reissuesOnlyWhenNamesChangeTheCaChangesOrExpiryNears() {
    String pem = server.certificatePem();
    assertThat(HubCertificates.needsReissue(pem, ca, NAMES, NOW)).isFalse();
    assertThat(HubCertificates.needsReissue(pem, ca, List.of(NAMES.get(0)), NOW)).isTrue();
    assertThat(HubCertificates.needsReissue(pem, ca, NAMES, NOW.plus(Duration.ofDays(380))))
        .isTrue();
    HubCertificates.Issued otherCa = HubCertificates.newCertificateAuthority("other", NOW);
    assertThat(HubCertificates.needsReissue(pem, otherCa, NAMES, NOW)).isTrue();
    assertThat(HubCertificates.needsReissue("garbage", ca, NAMES, NOW)).isTrue();
  }
}
