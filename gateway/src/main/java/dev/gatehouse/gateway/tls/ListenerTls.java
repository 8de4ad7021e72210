package dev.gatehouse.gateway.tls;

import dev.gatehouse.gateway.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * TLS on one listener, from PEM files ({@link ListenerTlsFiles}): TLS 1.2 and 1.3 only, with
 * forward-secret AEAD cipher suites only ({@link #CIPHER_SUITES}); with a client CA file, every
 * client must present a certificate that CA signed. {@link #load} reads and checks the files
 * once, at start; {@link #watch} then reloads them when they change, without a restart.
 */
public final class ListenerTls {

  /** The protocol versions offered: nothing older than TLS 1.2. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

  /**
   * The cipher suites offered: TLS 1.3's three, and for TLS 1.2 only ECDHE key exchange with AES-GCM
   * or ChaCha20-Poly1305 (no static RSA key exchange, no CBC, no SHA-1 MACs).
   */
  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final Vertx vertx;
  private final String keyPrefix;
  private final ListenerTlsFiles files;
  private final Credentials initial;

  /** One reading of the files: what the listener presents, and a digest of every byte read. */
  record Credentials(PemKeyPair pair, Optional<Buffer> clientCa, String digest) {}

  private ListenerTls(Vertx vertx, String keyPrefix, ListenerTlsFiles files, Credentials initial) {
    this.vertx = vertx;
    this.keyPrefix = keyPrefix;
    this.files = files;
    this.initial = initial;
  }

  /**
   * Reads and checks the files of {@code keyPrefix} ({@code server.tls}, {@code admin.tls}); empty
   * when the listener has no TLS. Blocking (reads files).
   *
   * @throws ConfigException naming the key of a missing or unreadable file, a file without a
   *     PEM certificate or key, or a key that does not match its certificate
   */
  public static Optional<ListenerTls> load(Vertx vertx, String keyPrefix, Optional<ListenerTlsFiles> files) {
    return files.map(f -> new ListenerTls(vertx, keyPrefix, f, read(vertx, keyPrefix, f)));
  }

  /** {@code options} with TLS on, presenting the certificate read at start. */
  public HttpServerOptions secure(HttpServerOptions options) {
    ServerSSLOptions ssl = sslOptions(initial);
    options.setSsl(true)
        .setKeyCertOptions(ssl.getKeyCertOptions())
        .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols())
        .setClientAuth(ssl.getClientAuth());
    if (ssl.getTrustOptions() != null) {
      options.setTrustOptions(ssl.getTrustOptions());
    }
    ssl.getEnabledCipherSuites().forEach(options::addEnabledCipherSuite);
    return options;
  }

  /**
   * Starts checking the files every {@link CertificateWatcher#INTERVAL}; a changed, valid set is
   * handed to {@code update} (the listener's {@code updateSSLOptions}). {@code listener} names the
   * listener in logs.
   */
  public CertificateWatcher watch(String listener, Function<ServerSSLOptions, Future<?>> update) {
    return CertificateWatcher.start(vertx, this, listener, initial, update);
  }

  String keyPrefix() {
    return keyPrefix;
  }

  /** Reads and checks the files now. Blocking. */
  Credentials read() {
    return read(vertx, keyPrefix, files);
  }

  static ServerSSLOptions sslOptions(Credentials credentials) {
    ServerSSLOptions options = new ServerSSLOptions()
        .setKeyCertOptions(credentials.pair().keyCertOptions())
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(PROTOCOLS))
        .setClientAuth(credentials.clientCa().isPresent() ? ClientAuth.REQUIRED : ClientAuth.NONE);
    credentials.clientCa().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertValue(ca.copy())));
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }

  private static Credentials read(Vertx vertx, String keyPrefix, ListenerTlsFiles files) {
    String certKey = keyPrefix + ".certFile";
    String keyKey = keyPrefix + ".keyFile";
    String caKey = keyPrefix + ".clientCaFile";
    Buffer cert = PemFiles.read(files.certFile(), certKey);
    Buffer key = PemFiles.read(files.keyFile(), keyKey);
    Optional<Buffer> clientCa = files.clientCaFile().map(f -> PemFiles.certificates(vertx, f, caKey));
    PemKeyPair pair = PemKeyPair.parse(vertx, cert, key, certKey, keyKey);
    return new Credentials(pair, clientCa, digest(cert, key, clientCa));
  }

  private static String digest(Buffer cert, Buffer key, Optional<Buffer> clientCa) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (Buffer part : List.of(cert, key, clientCa.orElse(Buffer.buffer()))) {
        sha256.update(Integer.toString(part.length()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        sha256.update((byte) 0);
        sha256.update(part.getBytes());
      }
      return java.util.HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
