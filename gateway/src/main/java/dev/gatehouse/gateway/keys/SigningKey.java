package dev.gatehouse.gateway.keys;

import com.nimbusds.jose.jwk.JWK;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** Public facts about one signing key; the private half never leaves {@link SigningKeys}. */
public record SigningKey(String kid, SigningAlgorithm alg, KeyState state, JWK publicJwk, Instant createdAt,
    Optional<Instant> retiredAt) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("kid", kid)
        .put("alg", alg.id())
        .put("state", state.id())
        .put("createdAt", createdAt.toString());
    retiredAt.ifPresent(t -> json.put("retiredAt", t.toString()));
    return json;
  }
}
