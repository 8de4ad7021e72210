package dev.gatehouse.gateway.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import dev.gatehouse.gateway.crypto.SignatureProvider;
import java.util.Optional;

/**
 * The algorithms Gatehouse signs with. Each key is bound to exactly one of them: a token is
 * verified only with the algorithm of the key its {@code kid} names, whatever its header says.
 * Ed25519 keys are published and used with {@code alg} {@code EdDSA}.
 */
public enum SigningAlgorithm {
  ES256(JWSAlgorithm.ES256),
  EDDSA(JWSAlgorithm.EdDSA);

  private final JWSAlgorithm jws;

  SigningAlgorithm(JWSAlgorithm jws) {
    this.jws = jws;
  }

  public JWSAlgorithm jws() {
    return jws;
  }

  /** The name stored and shown: {@code ES256} or {@code EdDSA}. */
  public String id() {
    return jws.getName();
  }

  public static Optional<SigningAlgorithm> fromId(String id) {
    for (SigningAlgorithm alg : values()) {
      if (alg.id().equals(id)) {
        return Optional.of(alg);
      }
    }
    return Optional.empty();
  }

  /** A fresh private key (with its public half) for {@code kid}. */
  JWK generate(String kid) throws JOSEException {
    return switch (this) {
      case ES256 -> new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(jws).keyUse(KeyUse.SIGNATURE).generate();
      case EDDSA -> new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).algorithm(jws).keyUse(KeyUse.SIGNATURE)
          .generate();
    };
  }

  /** A signer for a private key of this algorithm; ES256 runs on {@code provider}. */
  JWSSigner signer(JWK privateKey, SignatureProvider provider) throws JOSEException {
    return switch (this) {
      case ES256 -> provider.signer(privateKey.toECKey());
      case EDDSA -> new Ed25519Signer(privateKey.toOctetKeyPair());
    };
  }

  /**
   * A verifier for a public key of this algorithm; ES256 runs on {@code provider}.
   *
   * @throws JOSEException if the key is not of this algorithm's type and curve
   */
  public JWSVerifier verifier(JWK publicKey, SignatureProvider provider) throws JOSEException {
    return switch (this) {
      case ES256 -> {
        if (!(publicKey instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
          throw new JOSEException("wrong key type or curve");
        }
        yield provider.verifier(ec);
      }
      case EDDSA -> {
        if (!(publicKey instanceof OctetKeyPair okp) || !Curve.Ed25519.equals(okp.getCurve())) {
          throw new JOSEException("wrong key type or curve");
        }
        yield new Ed25519Verifier(okp);
      }
    };
  }
}
