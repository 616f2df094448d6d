package dev.iothub.operator.broker;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A hub's TLS material: a CA of its own (self-signed, long-lived) and the broker's server
 * certificate, signed by that CA, for the hub's stable host name and each region's broker Service
 * name. Devices trust only the CA, so the same server certificate serves in both regions and can be
 * reissued (new names, renewal) without any change on the devices.
 *
 * <p>Built with BouncyCastle's certificate builder ({@code bcpkix}): the JDK can parse and verify
 * certificates but has no public API to create them. RSA 2048 keys and SHA-256 signatures, the
 * combination constrained device TLS stacks are most likely to support.
 */
public final class HubCertificates {
  public static final Duration CA_VALIDITY = Duration.ofDays(20 * 365);
  public static final Duration SERVER_VALIDITY = Duration.ofDays(397);

  /** Reissue a server certificate this long before it expires. */
  public static final Duration RENEW_BEFORE = Duration.ofDays(30);

  /** Tolerate clocks that lag behind the operator's. */
  static final Duration BACKDATE = Duration.ofHours(1);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SIGNATURE = "SHA256withRSA";

  private HubCertificates() {}

  /** A certificate and its private key, as PEM: the keys of a Kubernetes TLS Secret. */
  public record Issued(String certificatePem, String privateKeyPem) {
    public X509Certificate certificate() {
      return Pem.certificate(certificatePem);
    }

    public PrivateKey privateKey() {
      return Pem.privateKey(privateKeyPem);
    }

    /** Keeps the private key out of logs and exception messages. */
    @Override
    public String toString() {
      return "Issued[certificatePem=" + certificatePem.length() + " chars, privateKeyPem=<hidden>]";
    }
  }

  /** A new self-signed CA for one hub, valid for {@link #CA_VALIDITY}. */
  public static Issued newCertificateAuthority(String hubName, Instant now) {
    KeyPair keys = newKeyPair();
    X500Name subject = name("IoT hub CA " + hubName);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          builder(subject, subject, now, CA_VALIDITY, keys)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new Issued(
          Pem.encode(sign(builder, keys.getPrivate())), Pem.encode(keys.getPrivate()));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the hub CA", e);
    }
  }

  /**
   * A server certificate for {@code dnsNames} (the first is also the subject's common name), signed
   * by {@code ca}, valid for {@link #SERVER_VALIDITY}.
   */
  public static Issued newServerCertificate(Issued ca, List<String> dnsNames, Instant now) {
    if (dnsNames.isEmpty()) {
      throw new IllegalArgumentException("a server certificate needs at least one DNS name");
    }
    KeyPair keys = newKeyPair();
    X509Certificate caCertificate = ca.certificate();
    GeneralName[] names =
        dnsNames.stream()
            .map(n -> new GeneralName(GeneralName.dNSName, n))
            .toArray(GeneralName[]::new);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          builder(
                  X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
                  name(dnsNames.get(0)),
                  now,
                  SERVER_VALIDITY,
                  keys)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(caCertificate));
      return new Issued(Pem.encode(sign(builder, ca.privateKey())), Pem.encode(keys.getPrivate()));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the broker's server certificate", e);
    }
  }

  /**
   * Whether the server certificate must be reissued: it was not signed by {@code ca}, its DNS names
   * differ from {@code dnsNames}, or it expires within {@link #RENEW_BEFORE}. Lets a reconciler
   * keep the certificate as long as it serves, instead of rewriting it on every pass.
   */
  public static boolean needsReissue(
      String serverCertificatePem, Issued ca, Collection<String> dnsNames, Instant now) {
    X509Certificate server;
    try {
      server = Pem.certificate(serverCertificatePem);
      server.verify(ca.certificate().getPublicKey());
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return true;
    }
    return !Set.copyOf(dnsNames).equals(dnsNames(server))
        || server.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE));
  }

  /** The DNS names of a certificate's subject alternative name extension. */
  public static Set<String> dnsNames(X509Certificate certificate) {
    Set<String> names = new HashSet<>();
    try {
      Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
      if (entries != null) {
        for (List<?> entry : entries) {
          if (Integer.valueOf(GeneralName.dNSName).equals(entry.get(0))) {
            names.add((String) entry.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException(e);
    }
    return names;
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, Instant now, Duration validity, KeyPair keys) {
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(127, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(validity)),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  // X.520 limits a common name to 64 characters; TLS clients match the SAN names, not the CN.
  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "iothub-operator")
        .addRDN(BCStyle.CN, commonName.substring(0, Math.min(64, commonName.length())))
        .build();
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
