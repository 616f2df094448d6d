package dev.iothub.operator.broker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.TrustManagerFactory;

/**
 * PEM text for certificates and PKCS#8 private keys, the form mosquitto's {@code cafile}, {@code
 * certfile} and {@code keyfile} and a Kubernetes TLS Secret hold. Plain JDK.
 */
public final class Pem {
  private static final String CERTIFICATE = "CERTIFICATE";
  private static final String PRIVATE_KEY = "PRIVATE KEY";

  private Pem() {}

  public static String encode(X509Certificate certificate) {
    try {
      return block(CERTIFICATE, certificate.getEncoded());
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String encode(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("only PKCS#8 private keys can be written");
    }
    return block(PRIVATE_KEY, key.getEncoded());
  }

  /** The first certificate in {@code pem}. */
  public static X509Certificate certificate(String pem) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate", e);
    }
  }

  /** A PKCS#8 ({@code BEGIN PRIVATE KEY}) RSA or EC key. */
  public static PrivateKey privateKey(String pem) {
    String begin = "-----BEGIN " + PRIVATE_KEY + "-----";
    String end = "-----END " + PRIVATE_KEY + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("not a PKCS#8 PEM private key");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("a PKCS#8 key that is neither RSA nor EC");
  }

  /** Trust exactly the given CA certificate: how devices and the probe trust a hub. */
  public static TrustManagerFactory trusting(String caCertificatePem) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("hub-ca", certificate(caCertificatePem));
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store", e);
    }
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
