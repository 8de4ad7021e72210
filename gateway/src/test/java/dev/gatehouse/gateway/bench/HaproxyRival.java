package dev.gatehouse.gateway.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy in front of the same upstream, measured in the same run as the issue's reference
 * figures were: one frontend proxies plainly, the other verifies an ES256 bearer token on every
 * request with {@code jwt_verify} (HAProxy 2.5 or later; Debian package {@code haproxy}) and
 * refuses anything else with 403. HAProxy runs with its defaults (one thread per available
 * core); its configuration, public key and output stay under the benchmark's work directory.
 */
final class HaproxyRival implements AutoCloseable {

  /** Distinct tokens the load rotates through; HAProxy verifies every one on every request. */
  static final int TOKENS = 16;
  private static final Duration START_LIMIT = Duration.ofSeconds(15);
  private static final String CONFIG = """
      defaults
        mode http
        timeout connect 5s
        timeout client 30s
        timeout server 30s
      frontend plain
        bind 127.0.0.1:%1$d
        default_backend runtime
      frontend jwt
        bind 127.0.0.1:%2$d
        http-request set-var(txn.bearer) http_auth_bearer
        http-request set-var(txn.jwt_alg) var(txn.bearer),jwt_header_query('$.alg')
        http-request deny unless { var(txn.jwt_alg) -m str ES256 }
        http-request deny unless { var(txn.bearer),jwt_verify(txn.jwt_alg,"%3$s") -m int 1 }
        default_backend runtime
      backend runtime
        server upstream 127.0.0.1:%4$d
      """;

  private final Process process;
  private final int plainPort;
  private final int jwtPort;
  private final List<String> tokens;
  private final String version;

  HaproxyRival(Path workDir, int upstreamPort) throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("haproxy"));
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    Path publicKey = Files.writeString(dir.resolve("verify.pem"), "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n");
    tokens = new ArrayList<>(TOKENS);
    for (int i = 0; i < TOKENS; i++) {
      tokens.add(token(keys, "haproxy-bench-" + i));
    }
    plainPort = freePort();
    jwtPort = freePort();
    Path config = Files.writeString(dir.resolve("haproxy.cfg"),
        CONFIG.formatted(plainPort, jwtPort, publicKey, upstreamPort));
    version = version();
    process = new ProcessBuilder("haproxy", "-db", "-f", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.out").toFile()).start();
    try {
      awaitListening(plainPort);
      awaitListening(jwtPort);
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** Whether {@code haproxy} can be started. */
  static boolean available() {
    try {
      version();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  int plainPort() {
    return plainPort;
  }

  int jwtPort() {
    return jwtPort;
  }

  /** HAProxy's process id (it runs in the foreground, one process with a thread per core). */
  long pid() {
    return process.pid();
  }

  /** Valid ES256 tokens for the {@code jwt_verify} frontend. */
  List<String> tokens() {
    return tokens;
  }

  /** HAProxy's version line, e.g. {@code HAProxy version 2.6.12-1+deb12u4 ...}. */
  String versionLine() {
    return version;
  }

  private static String version() throws IOException {
    Process p = new ProcessBuilder("haproxy", "-v").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("haproxy -v failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out.lines().findFirst().orElse("HAProxy").trim();
  }

  private static String token(KeyPair keys, String subject) throws Exception {
    Instant now = Instant.now();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().issuer("haproxy-bench").subject(subject).audience("runtime")
            .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(2)))).build());
    jwt.sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()));
    return jwt.serialize();
  }

  /** A loopback port free a moment ago (HAProxy binds it itself). */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void awaitListening(int port) throws Exception {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("haproxy did not start listening (see haproxy/haproxy.out)", e);
        }
        Thread.sleep(50);
      }
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
