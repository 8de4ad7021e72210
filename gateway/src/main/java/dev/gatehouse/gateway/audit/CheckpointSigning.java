package dev.gatehouse.gateway.audit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.auditdetector.checkpoint.CheckpointSigner;
import dev.gatehouse.gateway.keys.KeyState;
import dev.gatehouse.gateway.keys.SigningKey;
import dev.gatehouse.gateway.keys.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * Signs audit checkpoints with the gateway's token signing key: the signature is a compact JWS
 * (type {@value #TYPE_NAME}) whose {@code cp} claim is the SHA-256 of the checkpoint payload.
 * Verification accepts any key the gateway ever had, retired ones included, so old checkpoints
 * stay verifiable after rotation.
 */
public final class CheckpointSigning implements CheckpointSigner {

  static final String TYPE_NAME = "gatehouse-audit-checkpoint+jwt";
  private static final JOSEObjectType TYPE = new JOSEObjectType(TYPE_NAME);

  private final SigningKeys keys;

  public CheckpointSigning(SigningKeys keys) {
    this.keys = keys;
  }

  @Override
  public String keyId() {
    return keys.list().stream().filter(k -> k.state() == KeyState.ACTIVE).map(SigningKey::kid)
        .findFirst().orElse("none");
  }

  @Override
  public byte[] sign(byte[] payload) throws GeneralSecurityException {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .claim("cp", digest(payload))
        .issueTime(Date.from(Instant.now()))
        .build();
    try {
      return keys.sign(claims, TYPE).getBytes(StandardCharsets.US_ASCII);
    } catch (JOSEException e) {
      throw new GeneralSecurityException("checkpoint signing failed", e);
    }
  }

  @Override
  public boolean verify(String keyId, byte[] payload, byte[] signature) {
    try {
      SignedJWT jwt = SignedJWT.parse(new String(signature, StandardCharsets.US_ASCII));
      if (!keyId.equals(jwt.getHeader().getKeyID()) || !TYPE.equals(jwt.getHeader().getType())) {
        return false;
      }
      SigningKey key = keys.find(keyId).orElse(null);
      if (key == null || !jwt.getHeader().getAlgorithm().equals(key.alg().jws())
          || !jwt.verify(keys.verifier(key))) {
        return false;
      }
      Object claimed = jwt.getJWTClaimsSet().getClaim("cp");
      return claimed instanceof String s && MessageDigest.isEqual(
          s.getBytes(StandardCharsets.US_ASCII), digest(payload).getBytes(StandardCharsets.US_ASCII));
    } catch (ParseException | JOSEException | RuntimeException e) {
      return false;
    }
  }

  private static String digest(byte[] payload) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(payload));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
