package dev.gatehouse.gateway.webclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.session.SessionCookie;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.workspace.EntityIds;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web client served by the gateway: its files to anyone, its pages only to a signed-in
 * caller (others are sent to sign in), each page seeded with the caller's entity id under a
 * strict Content-Security-Policy; nothing of it reaches the runtime.
 */
class WebClientIT {

  static final String INDEX = "<!doctype html><html><head><title>client</title>"
      + "<script type=\"module\" src=\"/assets/main-abc.js\"></script></head><body><div id=\"root\"></div></body></html>";
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).build();

  @TempDir
  static Path dataDir;
  @TempDir
  static Path clientDir;
  static GatewayFixture fixture;
  static String url;
  static String workspace;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(clientDir.resolve("index.html"), INDEX);
    Files.createDirectories(clientDir.resolve("assets"));
    Files.writeString(clientDir.resolve("assets/main-abc.js"), "console.log('client');");
    Files.writeString(clientDir.resolve("assets/main-abc.js.map"), "{\"sources\":[]}");
    Files.write(clientDir.resolve("favicon.ico"), new byte[] {0, 0, 1, 0});
    fixture = GatewayFixture.start(dataDir, "webClient.dir=" + clientDir);
    url = TestGateways.mainUrl(fixture.gateway);
    workspace = fixture.admin.createWorkspace("web-client");
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  static HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String session(String subject) throws Exception {
    String token = fixture.admin.mint(workspace, subject, List.of("agents:read"));
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", url)
        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
    return cookie.substring(SessionCookie.NAME.length() + 1, cookie.indexOf(';'));
  }

  @Test
  void the_clients_files_are_public_with_their_types_and_no_source_maps() throws Exception {
    HttpResponse<String> script = get("/assets/main-abc.js", Map.of());
    assertEquals(200, script.statusCode());
    assertEquals("console.log('client');", script.body());
    assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("public, max-age=31536000, immutable", script.headers().firstValue("Cache-Control").orElseThrow());
    assertEquals("nosniff", script.headers().firstValue("X-Content-Type-Options").orElseThrow());
    assertEquals("image/x-icon", get("/favicon.ico", Map.of()).headers().firstValue("Content-Type").orElseThrow());
    assertEquals(401, get("/assets/main-abc.js.map", Map.of()).statusCode(), "source maps are not served");
    assertEquals(List.of(), fixture.upstream.received(), "nothing of it reaches the runtime");
  }

  @Test
  @Tag("T-AUTH-018")
  void an_anonymous_page_request_is_sent_to_sign_in_and_back() throws Exception {
    HttpResponse<String> page = get("/chat/some-agent?x=1", Map.of("Accept", "text/html,*/*"));
    assertEquals(303, page.statusCode());
    assertEquals("/login?next=" + URLEncoder.encode("/chat/some-agent?x=1", StandardCharsets.UTF_8),
        page.headers().firstValue("Location").orElseThrow());
    assertEquals(303, get("/", Map.of("Accept", "text/html")).statusCode());
    assertEquals(303, get("/", Map.of("Accept", "text/html", "Cookie", SessionCookie.NAME + "=" + "A".repeat(43)))
        .statusCode(), "an ended session is sent to sign in again");
    assertEquals(401, get("/index.html", Map.of()).statusCode(), "the page is never a public file");
    assertEquals(401, get("/chat/x", Map.of("Accept", "application/json")).statusCode(), "programs get the API error");
  }

  @Test
  @Tag("T-AUTH-018")
  void a_signed_in_page_carries_the_callers_entity_id_under_a_strict_policy() throws Exception {
    String session = session("page-reader");
    HttpResponse<String> page = get("/chat/some-agent", Map.of("Accept", "text/html",
        "Cookie", SessionCookie.NAME + "=" + session));
    assertEquals(200, page.statusCode());
    String seed = "localStorage.setItem(\"" + WebClient.ENTITY_KEY + "\",\"" + EntityIds.of(workspace, "page-reader")
        + "\");";
    assertTrue(page.body().contains("<head><script>" + seed + "</script>"), page.body());
    assertTrue(page.body().contains("<script type=\"module\" src=\"/assets/main-abc.js\">"));
    String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    String hash = Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8)));
    assertTrue(policy.contains("script-src 'self' 'unsafe-eval' 'sha256-" + hash + "';"), policy);
    assertTrue(policy.contains("frame-ancestors 'none'") && policy.contains("connect-src 'self'")
        && policy.contains("object-src 'none'"), policy);
    assertFalse(policy.replaceAll("style-src[^;]*", "").contains("unsafe-inline"), "no inline script: " + policy);
    assertEquals("no-store", page.headers().firstValue("Cache-Control").orElseThrow());
    assertEquals(List.of(), fixture.upstream.received(), "the page is the gateway's; the runtime is never asked");
  }
}
