package dev.gatehouse.gateway.authn;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.keys.SigningKeys;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.token.TokenSettings;
import dev.gatehouse.secrets.SecretValue;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds tokens for attack tests: with Nimbus, with the node's real active key, or from raw bytes. */
final class Forge {

  private final AuthnNode node;
  private final TokenSettings settings;
  final String workspace;

  Forge(AuthnNode node, TokenSettings settings, String workspace) {
    this.node = node;
    this.settings = settings;
    this.workspace = workspace;
  }

  /** Valid claims for the node's issuer and audience. */
  JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(settings.issuer()).audience(settings.audience()).subject("alice").jwtID("jti-" + System.nanoTime())
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
        .claim(TokenSettings.WORKSPACE_CLAIM, workspace).claim(TokenSettings.SCOPE_CLAIM, "agents:read");
  }

  /** The active private key, unsealed from the database as the node does. */
  JWK activeKey() throws Exception {
    Row row = Await.result(node.database.pool()
        .query("SELECT kid, private_jwk_sealed FROM signing_keys WHERE state = 'active'").execute()).iterator().next();
    try (SecretValue jwk = node.sealer.open(SigningKeys.BLOB_PREFIX + row.getString("kid"),
        row.getString("private_jwk_sealed"))) {
      return JWK.parse(jwk.revealUtf8());
    }
  }

  /** Signed with the real active key and a standard header. */
  String sign(JWTClaimsSet claims) throws Exception {
    return node.keys.sign(claims, TokenSettings.ACCESS_TOKEN_TYPE);
  }

  JWSHeader.Builder header() throws Exception {
    return new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(activeKey().getKeyID())
        .type(TokenSettings.ACCESS_TOKEN_TYPE);
  }

  /** Signed with the real active key under a custom header. */
  String sign(JWSHeader header, JWTClaimsSet claims) throws Exception {
    return sign(header, claims, new ECDSASigner(activeKey().toECKey()));
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
}
