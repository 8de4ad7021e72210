package dev.gatehouse.gateway.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.gatehouse.gateway.crypto.SignatureProvider;
import java.util.Optional;

/**
 * Picks the verifier for an external issuer's key and a token's algorithm, only when they belong
 * together: RS/PS with an RSA key, ES256/384/512 with the matching EC curve, EdDSA with an Ed25519
 * key, and the JWK's own {@code alg}, if it has one, equal to the token's. Anything else is empty
 * (the token is refused); this is what defeats algorithm confusion. ES256 runs on the node's
 * {@link SignatureProvider}; the other algorithms on the JDK's providers.
 */
final class ExternalKeyVerifiers {

  private ExternalKeyVerifiers() {}

  static Optional<JWSVerifier> forKey(JWK key, JWSAlgorithm alg, SignatureProvider provider) {
    if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
      return Optional.empty();
    }
    try {
      if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey rsa) {
        return Optional.of(new RSASSAVerifier(rsa));
      }
      if (JWSAlgorithm.Family.EC.contains(alg) && key instanceof ECKey ec
          && Curve.forJWSAlgorithm(alg).contains(ec.getCurve())) {
        return Optional.of(JWSAlgorithm.ES256.equals(alg) ? provider.verifier(ec) : new ECDSAVerifier(ec));
      }
      if (JWSAlgorithm.EdDSA.equals(alg) && key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
        return Optional.of(new Ed25519Verifier(okp));
      }
    } catch (JOSEException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
