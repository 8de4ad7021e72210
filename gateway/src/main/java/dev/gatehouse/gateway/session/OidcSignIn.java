package dev.gatehouse.gateway.session;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.gatehouse.gateway.authn.IssuerConfig;
import dev.gatehouse.gateway.authn.IssuerRegistry;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.workspace.Roles;
import dev.gatehouse.gateway.workspace.Scopes;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in through an external OpenID provider: the authorization code flow with PKCE (S256) and
 * a nonce, as a confidential client (or a public one without a secret).
 *
 * <ul>
 *   <li>{@code GET /login/oidc?next=}: a new attempt, bound to this browser by the random value
 *       of a short-lived {@code __Host-} sign-in cookie; 303 to the provider.</li>
 *   <li>{@code GET /login/oidc/callback?code=&state=}: the browser's own attempt (its cookie), once;
 *       the state must match; the code is exchanged with the verifier; the ID token is validated
 *       (signature by the keys of the issuer's registration, issuer, audience = client id,
 *       expiry, nonce). The registration's workspace claim (a string or an array) and scope claim
 *       (scopes or role names, see {@link Roles}) then decide, within its allowlists, what the
 *       person may do. One workspace: a session, as
 *       after {@code POST /login}. Several: a page to pick one.</li>
 *   <li>{@code POST /login/oidc/workspace} (form {@code workspace}): from the public origin, the
 *       browser's vouched attempt, once; the workspace must be one of those offered.</li>
 * </ul>
 * A session made here speaks for the provider's subject in the chosen workspace (issuer = the
 * provider), so revoking that subject at the issuer, removing the issuer, and the workspace lock
 * end it. Every failure is the sign-in page with a generic message (401), audited with its reason.
 */
final class OidcSignIn {

  static final String START_PATH = "/login/oidc";
  static final String CALLBACK_PATH = "/login/oidc/callback";
  static final String PICK_PATH = "/login/oidc/workspace";
  private static final Logger LOG = LoggerFactory.getLogger(OidcSignIn.class);
  private static final int RANDOM_BYTES = 32;
  /** Longest wait for the provider to connect, and then to answer (discovery, code exchange). */
  private static final int PROVIDER_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final GatewayConfig.Oidc settings;
  private final IssuerRegistry issuers;
  private final Sessions sessions;
  private final OriginCheck origins;
  private final SignInAttempts attempts;
  private final GatewayConfig.Sessions lifetimes;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private Future<OIDCProviderMetadata> provider;

  OidcSignIn(Vertx vertx, GatewayConfig.Sessions lifetimes, IssuerRegistry issuers, Sessions sessions,
      OriginCheck origins, SignInAttempts attempts, Clock clock) {
    this.vertx = vertx;
    this.settings = lifetimes.oidc().orElseThrow();
    this.lifetimes = lifetimes;
    this.issuers = issuers;
    this.sessions = sessions;
    this.origins = origins;
    this.attempts = attempts;
    this.clock = clock;
  }

  static boolean handles(String path) {
    return START_PATH.equals(path) || CALLBACK_PATH.equals(path) || PICK_PATH.equals(path);
  }

  String label() {
    return settings.label();
  }

  Future<SessionEndpoints.Answer> handle(HttpServerRequest request, String path) {
    boolean get = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
    if (START_PATH.equals(path) && get) {
      return start(request);
    }
    if (CALLBACK_PATH.equals(path) && get) {
      return callback(request);
    }
    if (PICK_PATH.equals(path) && request.method() == HttpMethod.POST) {
      if (!origins.sameOrigin(request)) {
        return Future.succeededFuture(new SessionEndpoints.Answer(403, SessionEndpoints.secureHeaders(), "",
            Optional.empty(), Optional.of(SessionEndpoints.CROSS_ORIGIN), false));
      }
      return pick(request);
    }
    return Future.succeededFuture(new SessionEndpoints.Answer(405, SessionEndpoints.secureHeaders()
        .add(HttpHeaders.ALLOW, PICK_PATH.equals(path) ? "POST" : "GET"), "", Optional.empty(),
        Optional.of("method_not_allowed"), false));
  }

  // ------------------------------------------------------------------ start

  private Future<SessionEndpoints.Answer> start(HttpServerRequest request) {
    String next = Optional.ofNullable(request.getParam("next")).filter(SessionEndpoints::localPath).orElse("/");
    String binding = randomValue();
    State state = new State(randomValue());
    Nonce nonce = new Nonce(randomValue());
    CodeVerifier verifier = new CodeVerifier();
    return provider().compose(metadata -> attempts.start(binding, new SignInAttempts.Started(state.getValue(),
            nonce.getValue(), verifier.getValue(), next))
        .map(v -> {
          URI location = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope(settings.scopes()
                  .toArray(new String[0])), new ClientID(settings.clientId()), redirectUri(request))
              .endpointURI(metadata.getAuthorizationEndpointURI())
              .state(state)
              .nonce(nonce)
              .codeChallenge(verifier, CodeChallengeMethod.S256)
              .build()
              .toURI();
          return new SessionEndpoints.Answer(303, SessionEndpoints.secureHeaders()
              .add(HttpHeaders.LOCATION, location.toString())
              .add(HttpHeaders.SET_COOKIE, SessionCookie.setSignIn(binding, SignInAttempts.LIFETIME)),
              "", Optional.empty(), Optional.empty(), false);
        }))
        .recover(failure -> {
          LOG.warn("sign-in provider unavailable: kind={}", failure.getClass().getSimpleName());
          return Future.succeededFuture(failed("oidc_provider_unavailable", false));
        });
  }

  // ------------------------------------------------------------------ callback

  private Future<SessionEndpoints.Answer> callback(HttpServerRequest request) {
    Optional<String> binding = SessionCookie.readSignIn(request);
    String code = request.getParam("code");
    String state = request.getParam("state");
    if (binding.isEmpty()) {
      return Future.succeededFuture(failed("oidc_not_started", true));
    }
    return attempts.takeStarted(binding.get()).compose(started -> {
      if (started.isEmpty()) {
        return Future.succeededFuture(failed("oidc_not_started", true));
      }
      if (state == null || !constantTimeEquals(state, started.get().state())) {
        return Future.succeededFuture(failed("oidc_state_mismatch", true));
      }
      if (request.getParam("error") != null || code == null) {
        return Future.succeededFuture(failed("oidc_provider_refused", true));
      }
      Optional<IssuerConfig> registration = issuers.config(settings.issuer().toString());
      if (registration.isEmpty()) {
        return Future.succeededFuture(failed("unknown_issuer", true));
      }
      URI redirect = redirectUri(request);
      return provider().compose(metadata -> vertx.executeBlocking(() ->
              verify(metadata, registration.get(), code, redirect, started.get())))
          .compose(claims -> signedIn(binding.get(), state, registration.get(), claims, started.get().next()))
          .recover(failure -> {
            LOG.info("sign-in refused: kind={}", failure.getClass().getSimpleName());
            return Future.succeededFuture(failed("oidc_token_invalid", true));
          });
    });
  }

  /** Exchanges the code and validates the ID token (blocking: the provider and its keys over HTTP). */
  private IDTokenClaimsSet verify(OIDCProviderMetadata metadata, IssuerConfig registration, String code, URI redirect,
      SignInAttempts.Started started) throws Exception {
    AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), redirect,
        new CodeVerifier(started.codeVerifier()));
    ClientID client = new ClientID(settings.clientId());
    TokenRequest token = settings.clientSecret()
        .map(secret -> new TokenRequest(metadata.getTokenEndpointURI(),
            new ClientSecretBasic(client, new Secret(secret.revealUtf8())), grant))
        .orElseGet(() -> new TokenRequest(metadata.getTokenEndpointURI(), client, grant));
    HTTPRequest exchange = token.toHTTPRequest();
    exchange.setConnectTimeout(PROVIDER_TIMEOUT_MS);
    exchange.setReadTimeout(PROVIDER_TIMEOUT_MS);
    var response = OIDCTokenResponseParser.parse(exchange.send());
    if (!response.indicatesSuccess()) {
      throw new SecurityException("the provider refused the code");
    }
    JWT idToken = response.toSuccessResponse().getTokens().toOIDCTokens().getIDToken();
    Set<JWSAlgorithm> algorithms = new TreeSet<>((a, b) -> a.getName().compareTo(b.getName()));
    registration.allowedAlgs().forEach(name -> algorithms.add(JWSAlgorithm.parse(name)));
    JWKSource<SecurityContext> keys = JWKSourceBuilder.create(registration.jwksUrl().toURL()).build();
    IDTokenValidator validator = new IDTokenValidator(new Issuer(registration.iss()), client,
        new JWSVerificationKeySelector<>(algorithms, keys), null);
    return validator.validate(idToken, new Nonce(started.nonce()));
  }

  private Future<SessionEndpoints.Answer> signedIn(String binding, String state, IssuerConfig registration,
      IDTokenClaimsSet claims, String next) {
    List<String> workspaces = new ArrayList<>(new TreeSet<>(strings(claims.getClaim(registration.workspaceClaim()))
        .stream().flatMap(claim -> registration.allowedWorkspace(claim).stream()).toList()));
    Set<String> scopes = new TreeSet<>();
    strings(claims.getClaim(registration.scopeClaim())).forEach(claim -> {
      for (String name : claim.split(" ")) {
        // A role name (say an identity provider group "member") stands for its scopes.
        scopes.addAll(Roles.scopes(name).orElse(Set.of(name)));
      }
    });
    scopes.retainAll(registration.allowedScopes());
    scopes.remove(Scopes.GATEHOUSE_ADMIN);
    var vouched = new SignInAttempts.Vouched(registration.iss(), claims.getSubject().getValue(), workspaces,
        List.copyOf(scopes), claims.getIssueTime().toInstant(), next);
    if (workspaces.isEmpty()) {
      return Future.succeededFuture(failed("workspace_not_allowed", true));
    }
    if (workspaces.size() == 1) {
      return session(vouched, workspaces.get(0));
    }
    return attempts.vouch(binding, state, vouched).map(v -> new SessionEndpoints.Answer(200,
        SessionEndpoints.secureHeaders().add(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8"),
        LoginPage.pickWorkspace(workspaces), Optional.empty(), Optional.empty(), false));
  }

  // ------------------------------------------------------------------ workspace picker

  private Future<SessionEndpoints.Answer> pick(HttpServerRequest request) {
    Optional<String> binding = SessionCookie.readSignIn(request);
    if (binding.isEmpty()) {
      return Future.succeededFuture(failed("oidc_not_started", true));
    }
    return SessionEndpoints.form(request).compose(form -> attempts.takeVouched(binding.get()).compose(vouched -> {
      Optional<String> chosen = SessionEndpoints.first(form, "workspace");
      if (vouched.isEmpty() || chosen.isEmpty() || !vouched.get().workspaces().contains(chosen.get())) {
        return Future.succeededFuture(failed("workspace_not_allowed", true));
      }
      return session(vouched.get(), chosen.get());
    }));
  }

  private Future<SessionEndpoints.Answer> session(SignInAttempts.Vouched vouched, String workspace) {
    Principal principal = new Principal(vouched.subject(), workspace, Set.copyOf(vouched.scopes()),
        "oidc-" + UUID.randomUUID(), vouched.issuedAt(), clock.instant().plus(lifetimes.absolute()), vouched.issuer());
    return sessions.create(principal).map(id -> new SessionEndpoints.Answer(303, SessionEndpoints.secureHeaders()
        .add(HttpHeaders.LOCATION, vouched.next())
        .add(HttpHeaders.SET_COOKIE, SessionCookie.set(id))
        .add(HttpHeaders.SET_COOKIE, SessionCookie.clearSignIn()), "", Optional.of(principal), Optional.empty(),
        false));
  }

  // ------------------------------------------------------------------ helpers

  /** The provider's metadata, fetched once (again after a failure). */
  private synchronized Future<OIDCProviderMetadata> provider() {
    if (provider == null || provider.failed()) {
      provider = vertx.executeBlocking(() -> OIDCProviderMetadata.resolve(new Issuer(settings.issuer().toString()),
          PROVIDER_TIMEOUT_MS, PROVIDER_TIMEOUT_MS));
    }
    return provider;
  }

  private URI redirectUri(HttpServerRequest request) {
    return URI.create(origins.origin(request) + CALLBACK_PATH);
  }

  private SessionEndpoints.Answer failed(String reason, boolean failedAuthentication) {
    MultiMap headers = SessionEndpoints.secureHeaders().add(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .add(HttpHeaders.SET_COOKIE, SessionCookie.clearSignIn());
    return new SessionEndpoints.Answer(401, headers, LoginPage.render("/", "Sign-in failed.", Optional.of(label())),
        Optional.empty(), Optional.of(reason), failedAuthentication);
  }

  private String randomValue() {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static List<String> strings(Object claim) {
    if (claim instanceof String one) {
      return List.of(one);
    }
    if (claim instanceof Collection<?> many) {
      return many.stream().filter(String.class::isInstance).map(String.class::cast).limit(1000).toList();
    }
    return List.of();
  }

  private static boolean constantTimeEquals(String a, String b) {
    return java.security.MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "OidcSignIn[" + settings.issuer() + "]";
  }
}
