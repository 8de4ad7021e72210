package dev.gatehouse.gateway.authn;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.keys.SigningKeys;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.token.TokenSettings;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.blob.SecretBlobSealer;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviders;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds tokens for attack tests: with Nimbus, with a running gateway's real active key, or from
 * raw bytes.
 *
 * <p>No public surface hands out a private signing key, yet many attacks only mean something when
 * everything but the attacked part is signed by the gateway's own key (an expired token, a
 * float {@code exp}). The test owns the gateway's data, so the forge reads the active key's sealed
 * row read-only and opens it with the gateway's keyring, as the gateway does on start.
 */
final class Forge implements AutoCloseable {

  private final String jdbcUrl;
  private final TokenSettings settings;
  private final KeyProvider provider;
  private final SecretBlobSealer sealer;
  final String workspace;

  Forge(Gateway gateway, String jdbcUrl, String workspace) throws Exception {
    this.jdbcUrl = jdbcUrl;
    this.settings = gateway.config().tokens().settings();
    this.workspace = workspace;
    var secrets = gateway.config().secrets();
    this.provider = KeyProviders.open(secrets.profile(), new LocalKeyringConfig(secrets.keyring(), secrets.keyName()),
        Map.of());
    this.sealer = new SecretBlobSealer(provider);
  }

  /** Valid claims for the gateway's issuer and audience. */
  JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(settings.issuer()).audience(settings.audience()).subject("alice").jwtID("jti-" + System.nanoTime())
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
        .claim(TokenSettings.WORKSPACE_CLAIM, workspace).claim(TokenSettings.SCOPE_CLAIM, "agents:read");
  }

  /** The gateway's active private key, as the gateway itself unseals it. */
  JWK activeKey() throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT kid, private_jwk_sealed FROM signing_keys WHERE state = 'active'")) {
      if (!rs.next()) {
        throw new AssertionError("the gateway has no active signing key");
      }
      try (SecretValue jwk = sealer.open(SigningKeys.BLOB_PREFIX + rs.getString("kid"),
          rs.getString("private_jwk_sealed"))) {
        return JWK.parse(jwk.revealUtf8());
      }
    }
  }

  /** Signed with the real active key under the header the gateway itself uses. */
  String sign(JWTClaimsSet claims) throws Exception {
    JWK key = activeKey();
    JWSAlgorithm alg = key instanceof OctetKeyPair ? JWSAlgorithm.EdDSA : JWSAlgorithm.ES256;
    return sign(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(TokenSettings.ACCESS_TOKEN_TYPE).build(),
        claims, signer(key));
  }

  JWSHeader.Builder header() throws Exception {
    return new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(activeKey().getKeyID())
        .type(TokenSettings.ACCESS_TOKEN_TYPE);
  }

  /** Signed with the real active key under a custom header. */
  String sign(JWSHeader header, JWTClaimsSet claims) throws Exception {
    return sign(header, claims, signer(activeKey()));
  }

  static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) throws Exception {
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  /** Real ES256 signature over raw header and payload JSON (bypassing Nimbus' own serialization). */
  String signRaw(String headerJson, String payloadJson) throws Exception {
    String input = b64(headerJson) + "." + b64(payloadJson);
    JWSSigner signer = new ECDSASigner(activeKey().toECKey());
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).build();
    return input + "." + signer.sign(header, input.getBytes(StandardCharsets.US_ASCII));
  }

  /** HS256 over raw header and payload with any key bytes (even ones Nimbus refuses). */
  static String hs256(String headerJson, String payloadJson, byte[] key) throws Exception {
    String input = b64(headerJson) + "." + b64(payloadJson);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.length == 0 ? new byte[64] : key, "HmacSHA256"));
    return input + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static JWSSigner signer(JWK key) throws Exception {
    return key instanceof OctetKeyPair okp ? new Ed25519Signer(okp) : new ECDSASigner(key.toECKey());
  }

  @Override
  public void close() {
    provider.close();
  }
}
