package dev.gatehouse.gateway.testsupport;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.gateway.token.TokenSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * A stand-in OIDC identity provider: ES256 keys published as a JWKS on a loopback port, and access
 * tokens signed with them in the shape {@code POST /admin/v1/issuers} registers (workspace claim
 * {@code ws}, scope claim {@code scp}). Its published keys can be replaced at any time.
 */
public final class ExternalIdp implements AutoCloseable {

  private final String iss = "https://idp-" + UUID.randomUUID() + ".test";
  private final HttpServer server;
  private volatile List<ECKey> published;

  public ExternalIdp(ECKey... keys) throws Exception {
    published = List.of(keys);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/jwks", exchange -> {
      byte[] body = new JWKSet(published.stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList())
          .toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  /** A fresh P-256 signing key with this kid. */
  public static ECKey key(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
  }

  public String iss() {
    return iss;
  }

  /** Publishes exactly these keys from now on. */
  public void publish(ECKey... keys) {
    published = List.of(keys);
  }

  /** The registration body for this issuer, allowed to name {@code workspaces} and grant {@code scopes}. */
  public JsonObject registration(Collection<String> workspaces, Collection<String> scopes) {
    return new JsonObject().put("iss", iss)
        .put("jwksUrl", "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks")
        .put("audience", TokenSettings.DEFAULT_AUDIENCE).put("workspaceClaim", "ws").put("scopeClaim", "scp")
        .put("allowedAlgs", new JsonArray().add("ES256"))
        .put("allowedWorkspaces", new JsonArray(List.copyOf(workspaces)))
        .put("allowedScopes", new JsonArray(List.copyOf(scopes)));
  }

  /** A five-minute token of {@code subject} naming {@code workspace}, issued at {@code iat}, signed with {@code key}. */
  public String token(ECKey key, String subject, String jti, String workspace, String scopes, Instant iat)
      throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(iss).audience(TokenSettings.DEFAULT_AUDIENCE)
        .subject(subject).jwtID(jti).issueTime(Date.from(iat)).expirationTime(Date.from(iat.plusSeconds(300)))
        .claim("ws", workspace).claim("scp", scopes).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
        .type(TokenSettings.ACCESS_TOKEN_TYPE).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  /** {@link #token(ECKey, String, String, String, String, Instant)} issued now with a random jti. */
  public String token(ECKey key, String subject, String workspace, String scopes) throws Exception {
    return token(key, subject, UUID.randomUUID().toString(), workspace, scopes, Instant.now());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
