package dev.gatehouse.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-in through a real OpenID provider (mock-oauth2-server): the authorization code flow with
 * PKCE and nonce, the person's workspaces and scopes decided by the issuer's registration, the
 * workspace picker, and what cannot be replayed, forged or carried to another browser.
 */
class OidcSignInIT {

  static final String CLIENT = "gatehouse-console";
  static final String IDP = "people";
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).build();

  @TempDir
  static Path dataDir;
  static MockOAuth2Server provider;
  static GatewayFixture fixture;
  static String url;
  static String issuer;
  static String workspaceA;
  static String workspaceB;
  static String workspaceC;

  @BeforeAll
  static void start() throws Exception {
    provider = new MockOAuth2Server();
    provider.start(InetAddress.getByName("127.0.0.1"), 0);
    issuer = provider.issuerUrl(IDP).toString();
    fixture = GatewayFixture.start(dataDir, "sessions.oidc.issuer=" + issuer, "sessions.oidc.clientId=" + CLIENT,
        "sessions.oidc.clientSecret=client-secret-of-the-gateway", "sessions.oidc.label=Sign in with People");
    url = TestGateways.mainUrl(fixture.gateway);
    workspaceA = fixture.admin.createWorkspace("oidc-a");
    workspaceB = fixture.admin.createWorkspace("oidc-b");
    workspaceC = fixture.admin.createWorkspace("oidc-c");
    fixture.admin.post("/admin/v1/issuers", new JsonObject().put("iss", issuer)
        .put("jwksUrl", provider.jwksUrl(IDP).toString()).put("audience", "urn:gatehouse:runtime")
        .put("workspaceClaim", "workspaces").put("scopeClaim", "roles")
        .put("allowedAlgs", new JsonArray().add("RS256"))
        .put("allowedWorkspaces", new JsonArray().add(workspaceA).add(workspaceB))
        .put("allowedScopes", new JsonArray().add("agents:read").add("messages:read")));
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
    provider.shutdown();
  }

  /** The provider's next sign-in: this person, member of these workspaces, with these roles. */
  static void nextPerson(String subject, Object workspaces, Object roles) {
    provider.enqueueCallback(new DefaultOAuth2TokenCallback(IDP, subject, JOSEObjectType.JWT.getType(),
        List.of(CLIENT), Map.of("workspaces", workspaces, "roles", roles), 3600));
  }

  static HttpResponse<String> get(String target, String cookies) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.startsWith("http") ? target : url + target));
    if (cookies != null) {
      request.header("Cookie", cookies);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String cookie(HttpResponse<?> answer, String name) {
    return answer.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
        .map(c -> c.substring(0, c.indexOf(';'))).orElseThrow(() -> new AssertionError("no " + name + " cookie"));
  }

  /** A browser's trip: to the gateway, the provider, and back; the callback's answer and the sign-in cookie. */
  record Trip(HttpResponse<String> callback, String signIn, String callbackUrl) {}

  static Trip signIn(String next) throws Exception {
    HttpResponse<String> started = get("/login/oidc?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8), null);
    assertEquals(303, started.statusCode(), started.body());
    String signIn = cookie(started, SessionCookie.SIGN_IN);
    URI authorize = URI.create(started.headers().firstValue("Location").orElseThrow());
    assertTrue(authorize.toString().startsWith(issuer), authorize.toString());
    assertTrue(authorize.getQuery().contains("code_challenge_method=S256") && authorize.getQuery().contains("nonce="),
        "PKCE and a nonce: " + authorize.getQuery());
    HttpResponse<String> atProvider = get(authorize.toString(), null);
    String callbackUrl = atProvider.headers().firstValue("Location").orElseThrow();
    assertTrue(callbackUrl.startsWith(url + "/login/oidc/callback?"), callbackUrl);
    return new Trip(get(callbackUrl, signIn), signIn, callbackUrl);
  }

  @Test
  @Tag("T-AUTH-018")
  void a_person_in_one_workspace_signs_in_with_only_the_scopes_the_issuer_may_grant() throws Exception {
    nextPerson("ada", List.of(workspaceA.toUpperCase(), workspaceC), List.of("agents:read", "messages:write",
        "gatehouse:admin"));
    Trip trip = signIn("/chat");
    assertEquals(303, trip.callback().statusCode(), trip.callback().body());
    assertEquals("/chat", trip.callback().headers().firstValue("Location").orElseThrow());
    String session = cookie(trip.callback(), SessionCookie.NAME);
    assertTrue(trip.callback().headers().allValues("Set-Cookie").stream()
        .anyMatch(c -> c.startsWith(SessionCookie.SIGN_IN + "=;") && c.contains("Max-Age=0")), "the attempt is over");
    assertEquals(200, get("/api/agents/a1", session).statusCode(), "agents:read, granted");
    HttpResponse<String> write = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/echo"))
        .header("Cookie", session).header("Origin", url).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, write.statusCode(), "messages:write is not the issuer's to grant");
    assertEquals(401, get(trip.callbackUrl(), trip.signIn()).statusCode(), "a callback works once");
  }

  @Test
  @Tag("T-AUTH-018")
  void a_person_in_several_workspaces_picks_one_of_those_offered() throws Exception {
    nextPerson("grace", List.of(workspaceA, workspaceB, workspaceC), "agents:read messages:read");
    Trip trip = signIn("/");
    assertEquals(200, trip.callback().statusCode());
    String page = trip.callback().body();
    assertTrue(page.contains(workspaceA) && page.contains(workspaceB), page);
    assertFalse(page.contains(workspaceC), "a workspace the issuer may not speak for is not offered");
    assertEquals(401, pick(trip.signIn(), workspaceC).statusCode(), "nor taken");
    nextPerson("grace", List.of(workspaceA, workspaceB), "member");
    Trip again = signIn("/");
    assertEquals(403, pick(again.signIn(), workspaceB, "https://evil.example").statusCode(), "only from this site");
    HttpResponse<String> chosen = pick(again.signIn(), workspaceB);
    assertEquals(303, chosen.statusCode(), chosen.body());
    assertEquals(200, get("/api/agents/a1", cookie(chosen, SessionCookie.NAME)).statusCode(),
        "the role member stands for its scopes, agents:read among them");
    assertEquals(401, pick(again.signIn(), workspaceA).statusCode(), "a choice is made once");
  }

  @Test
  @Tag("T-AUTH-019")
  void a_callback_in_another_browser_or_with_another_state_signs_nobody_in() throws Exception {
    nextPerson("mallory", List.of(workspaceA), "agents:read");
    HttpResponse<String> started = get("/login/oidc?next=/", null);
    String signIn = cookie(started, SessionCookie.SIGN_IN);
    String callback = get(started.headers().firstValue("Location").orElseThrow(), null).headers()
        .firstValue("Location").orElseThrow();
    // Login CSRF: the attacker's own callback URL, opened in the victim's browser.
    HttpResponse<String> victim = get(callback, null);
    assertEquals(401, victim.statusCode());
    assertTrue(victim.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith(SessionCookie.NAME)));
    HttpResponse<String> otherBrowser = get(callback, SessionCookie.SIGN_IN + "=" + "B".repeat(43));
    assertEquals(401, otherBrowser.statusCode());
    HttpResponse<String> forgedState = get(callback.replaceAll("state=[^&]+", "state=forged"), signIn);
    assertEquals(401, forgedState.statusCode());
    assertEquals(401, get(callback, signIn).statusCode(), "the attempt ended with the forged state");
    // None of these exchanged the code: the provider still holds mallory's token for the next sign-in.
    Trip honest = signIn("/");
    assertEquals(303, honest.callback().statusCode(), honest.callback().body());
  }

  @Test
  @Tag("T-AUTH-018")
  void revoking_the_subject_at_the_issuer_ends_the_session() throws Exception {
    nextPerson("linus", List.of(workspaceA), "agents:read");
    Trip trip = signIn("/");
    String session = cookie(trip.callback(), SessionCookie.NAME);
    assertEquals(200, get("/api/agents/a1", session).statusCode());
    fixture.admin.post("/admin/v1/tokens/revoke", new JsonObject().put("issuer", issuer).put("subject", "linus"));
    assertEquals(401, get("/api/agents/a1", session).statusCode());
  }

  @Test
  void the_sign_in_page_offers_the_provider() throws Exception {
    String page = get("/login?next=/chat/x", null).body();
    assertTrue(page.contains("href=\"/login/oidc?next=%2Fchat%2Fx\">Sign in with People</a>"), page);
  }

  static HttpResponse<String> pick(String signIn, String workspace) throws Exception {
    return pick(signIn, workspace, url);
  }

  static HttpResponse<String> pick(String signIn, String workspace, String origin) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/login/oidc/workspace"))
        .header("Cookie", signIn).header("Origin", origin)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("workspace=" + workspace)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
