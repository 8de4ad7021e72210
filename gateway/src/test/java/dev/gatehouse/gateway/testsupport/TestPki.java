package dev.gatehouse.gateway.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for TLS tests: it issues server certificates (for host
 * names and addresses) and client certificates, writes them and their keys as PEM files, and
 * builds client {@link SSLContext}s that trust it and present one of its certificates.
 */
public final class TestPki {

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final String name;
  private final KeyPair keys;
  private final X509Certificate certificate;

  /** A certificate and its key, issued by a {@link TestPki}. */
  public record Issued(X509Certificate certificate, KeyPair keys) {

    /** Writes the certificate as PEM, atomically (a watcher never sees half a file). */
    public void writeCertificate(Path file) throws IOException {
      writeAtomically(file, pem(certificate));
    }

    /** Writes the private key as PEM (PKCS#8 for EC, PKCS#1 for RSA), mode 0600, atomically. */
    public void writeKey(Path file) throws IOException {
      writeAtomically(file, keys.getPrivate() instanceof RSAPrivateKey ? pem(keys.getPrivate())
          : pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
    }

    public BigInteger serial() {
      return certificate.getSerialNumber();
    }
  }

  private TestPki(String name, KeyPair keys, X509Certificate certificate) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A new CA named {@code name}, with an EC P-256 key. */
  public static TestPki create(String name) throws GeneralSecurityException {
    KeyPair keys = ec();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(),
        subject, keys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return new TestPki(name, keys, sign(builder, keys));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Writes the CA certificate as PEM. */
  public void writeCertificate(Path file) throws IOException {
    writeAtomically(file, pem(certificate));
  }

  /** A server certificate for {@code hosts} (names or IP addresses), with an EC or an RSA key. */
  public Issued issueServer(String commonName, boolean rsa, String... hosts) throws GeneralSecurityException {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hosts) {
      names.add(Character.isDigit(host.charAt(0)) || host.contains(":")
          ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
    }
    return issue(commonName, rsa ? rsa() : ec(), KeyPurposeId.id_kp_serverAuth, names);
  }

  /** A client certificate, with an EC key. */
  public Issued issueClient(String commonName) throws GeneralSecurityException {
    return issue(commonName, ec(), KeyPurposeId.id_kp_clientAuth, List.of());
  }

  /** A TLS client context trusting this CA only, presenting {@code client} (of any CA) when given. */
  public SSLContext clientContext(Issued client) throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", certificate);
    TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustFactory.init(trust);
    KeyManagerFactory keyFactory = null;
    if (client != null) {
      char[] password = "test".toCharArray();
      KeyStore identity = KeyStore.getInstance("PKCS12");
      identity.load(null, null);
      identity.setKeyEntry("client", client.keys().getPrivate(), password,
          new X509Certificate[] {client.certificate()});
      keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyFactory.init(identity, password);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyFactory == null ? null : keyFactory.getKeyManagers(), trustFactory.getTrustManagers(),
        new SecureRandom());
    return context;
  }

  private Issued issue(String commonName, KeyPair subjectKeys, KeyPurposeId purpose, List<GeneralName> names)
      throws GeneralSecurityException {
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + name), serial(),
        notBefore(), notAfter(), new X500Name("CN=" + commonName), subjectKeys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(new GeneralName[0])));
      }
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return new Issued(sign(builder, keys), subjectKeys);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair ec() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIALS.incrementAndGet());
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(2)));
  }

  private static String pem(Object object) throws IOException {
    // Vert.x reads SEC1 EC keys only with their public key, which BouncyCastle leaves out: PKCS#8 for EC.
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path temporary = Files.createTempFile(file.getParent(), ".pem", ".tmp");
    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(temporary, content, StandardCharsets.US_ASCII);
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
