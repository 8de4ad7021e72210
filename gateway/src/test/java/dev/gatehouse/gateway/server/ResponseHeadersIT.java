package dev.gatehouse.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gateway says about its answers: its own JSON names its charset and is never stored by
 * a cache; the runtime's answers to authenticated requests are not cacheable unless the runtime
 * chose a {@code Cache-Control} itself; answers to public routes are left as they are.
 */
class ResponseHeadersIT {

  static final String JSON_UTF8 = "application/json;charset=utf-8";

  @TempDir
  static Path dataDir;
  static GatewayFixture node;
  /** May use /echo (scope messages:write). */
  static String token;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir);
    token = node.admin.mint(node.admin.createWorkspace("headers"), "reader", List.of("messages:write"));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static HttpResponse<String> main(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.gateway.port() + path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Optional<String> header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name);
  }

  static void assertOwnJson(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), response.uri().getPath());
    assertEquals(Optional.of(JSON_UTF8), header(response, "Content-Type"), response.uri().getPath());
    assertEquals(Optional.of("no-store"), header(response, "Cache-Control"), response.uri().getPath());
  }

  @Test
  void main_listener_refusals_name_their_charset_and_are_never_stored() throws Exception {
    assertOwnJson(main("/echo"), 401);
    assertOwnJson(main("/nowhere", "Authorization", "Bearer " + token), 404);
    assertOwnJson(main("/api/system/env/x", "Authorization", "Bearer " + token), 403);
  }

  @Test
  void health_answers_name_their_charset_and_are_never_stored() throws Exception {
    assertOwnJson(main("/healthz"), 200);
    assertOwnJson(main("/readyz"), 200);
  }

  @Test
  void the_key_set_names_its_charset() throws Exception {
    HttpResponse<String> jwks = main("/.well-known/jwks.json");

    assertEquals(200, jwks.statusCode());
    assertEquals(Optional.of("application/jwk-set+json;charset=utf-8"), header(jwks, "Content-Type"));
    assertOwnJson(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.gateway.port()
        + "/.well-known/jwks.json")).DELETE().build(), HttpResponse.BodyHandlers.ofString()), 404);
  }

  @Test
  void admin_answers_name_their_charset_and_are_never_stored() throws Exception {
    assertOwnJson(node.admin.get("/admin/v1/status"), 200);
    assertOwnJson(node.admin.get("/admin/v1/tokens"), 200);
    assertOwnJson(node.admin.get("/admin/v1/no-such-thing"), 404);
    assertOwnJson(http.send(HttpRequest.newBuilder(URI.create(node.admin.url() + "/admin/v1/status")).build(),
        HttpResponse.BodyHandlers.ofString()), 401);
  }

  @Test
  void an_authenticated_answer_without_a_cache_control_of_the_runtime_gets_no_store() throws Exception {
    HttpResponse<String> response = main("/echo", "Authorization", "Bearer " + token);

    assertEquals(200, response.statusCode());
    assertEquals(List.of("no-store"), response.headers().allValues("Cache-Control"));
  }

  @Test
  void the_runtimes_own_cache_control_on_an_authenticated_answer_is_kept() throws Exception {
    HttpResponse<String> response = main("/echo", "Authorization", "Bearer " + token,
        TestUpstream.ANSWER_CACHE_CONTROL, "private, max-age=30");

    assertEquals(200, response.statusCode());
    assertEquals(List.of("private, max-age=30"), response.headers().allValues("Cache-Control"));
  }

  @Test
  void a_public_routes_answer_is_left_as_the_runtime_sent_it() throws Exception {
    HttpResponse<String> response = main("/hello");

    assertEquals(200, response.statusCode());
    assertTrue(header(response, "Cache-Control").isEmpty(), "no Cache-Control added to a public answer");
  }
}
