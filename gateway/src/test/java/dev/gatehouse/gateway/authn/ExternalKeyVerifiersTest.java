package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import dev.gatehouse.gateway.crypto.CryptoProviderChoice;
import dev.gatehouse.gateway.crypto.SignatureProvider;
import dev.gatehouse.gateway.crypto.SignatureProviders;
import dev.gatehouse.gateway.testsupport.NativeCryptoPlatform;
import org.junit.jupiter.api.Test;

/** An external issuer's ES256 key verifies on the node's signature provider, as Gatehouse's own keys do. */
class ExternalKeyVerifiersTest {

  @Test
  void es256VerifiesOnTheNodesProviderWithTheSameAnswers() throws Exception {
    SignatureProvider selected = SignatureProviders.select(CryptoProviderChoice.AUTO);
    ECKey key = new ECKeyGenerator(Curve.P_256).generate();
    JWSHeader header = new JWSHeader(JWSAlgorithm.ES256);
    byte[] input = "header.payload".getBytes(StandardCharsets.US_ASCII);
    Base64URL signature = selected.signer(key).sign(header, input);
    var verifier = ExternalKeyVerifiers.forKey(key.toPublicJWK(), JWSAlgorithm.ES256, selected).orElseThrow();

    assertTrue(verifier.verify(header, input, signature));
    assertFalse(verifier.verify(header, "header.other".getBytes(StandardCharsets.US_ASCII), signature));
    assertTrue(ExternalKeyVerifiers.forKey(key.toPublicJWK(), JWSAlgorithm.ES384, selected).isEmpty(),
        "a P-256 key never verifies ES384");
    assertEquals(NativeCryptoPlatform.here(), ((ECDSAVerifier) verifier).getJCAContext().getProvider() != null,
        "the native provider, where it loads, is handed to the verifier");
  }
}
