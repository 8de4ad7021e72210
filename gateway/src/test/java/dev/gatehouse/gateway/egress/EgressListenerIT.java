package dev.gatehouse.gateway.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.StandInModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The egress listener in front of a stand-in provider: each API shape is forwarded with the
 * workspace's real key (never the agent's credential), streams pass through as they come and
 * settle on their reported usage, and revocation or a workspace lock stops the next call.
 */
class EgressListenerIT {

  static final String REAL_KEY = "sk-real-provider-key-0123456789";
  static final String AGENT = "agent-7";

  @TempDir
  Path dir;

  StandInModel provider;
  GatewayFixture fixture;
  EgressClient client;
  String workspace;
  String credential;
  String credentialId;

  @BeforeEach
  void start() throws Exception {
    provider = new StandInModel();
    String base = provider.baseUrl();
    fixture = GatewayFixture.start(dir, "egress.enabled=true", "egress.listen=127.0.0.1:0",
        "egress.openai.baseUrl=" + base, "egress.anthropic.baseUrl=" + base,
        "egress.prices=gpt-4o-mini=1/2,claude-test=3/15");
    client = new EgressClient(fixture.gateway.egress().port().orElseThrow());
    workspace = fixture.admin.createWorkspace("models");
    for (String p : List.of("openai", "anthropic")) {
      assertEquals(204, fixture.admin.put("/admin/v1/workspaces/" + workspace + "/provider-keys/" + p,
          new JsonObject().put("key", REAL_KEY)).statusCode());
    }
    JsonObject issued = fixture.admin.post("/admin/v1/workspaces/" + workspace + "/egress-credentials",
        new JsonObject().put("agent", AGENT));
    credential = issued.getString("credential");
    credentialId = issued.getString("id");
  }

  @AfterEach
  void stop() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
    provider.close();
  }

  static JsonObject chat(boolean stream) {
    return new JsonObject().put("model", "gpt-4o-mini").put("stream", stream).put("max_tokens", 50)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello MARK1")));
  }

  @Test
  @Tag("T-SEC-020")
  void every_api_shape_is_forwarded_with_the_workspace_key_and_never_the_credential() throws Exception {
    assertEquals(200, client.openAi("/v1/chat/completions", credential, chat(false)).statusCode());
    HttpResponse<String> streamed = client.openAi("/v1/chat/completions", credential, chat(true));
    assertEquals(200, streamed.statusCode());
    assertTrue(streamed.body().contains("data: [DONE]"), "the stream reaches the agent whole");
    JsonObject responses = new JsonObject().put("model", "gpt-4o-mini").put("input", "hi MARK2");
    assertTrue(client.openAi("/v1/responses", credential, responses).body().contains("echo: MARK2"));
    assertTrue(client.openAi("/v1/responses", credential, responses.copy().put("stream", true)).body()
        .contains("response.completed"));
    assertEquals(200, client.openAi("/v1/embeddings", credential,
        new JsonObject().put("model", "text-embedding-3-small").put("input", "x")).statusCode());
    assertEquals(200, client.openAi("/v1/models", credential, null).statusCode());
    JsonObject message = new JsonObject().put("model", "claude-test").put("max_tokens", 64)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi MARK3")));
    HttpResponse<String> anthropic = client.anthropic(credential, message);
    assertEquals(200, anthropic.statusCode());
    assertTrue(anthropic.body().contains("echo: MARK3"));
    assertTrue(client.anthropic(credential, message.copy().put("stream", true)).body().contains("message_stop"));

    List<StandInModel.Received> seen = provider.received();
    assertEquals(8, seen.size());
    for (StandInModel.Received r : seen) {
      String presented = r.path().equals("/messages") ? r.apiKey() : r.authorization();
      assertEquals(r.path().equals("/messages") ? REAL_KEY : "Bearer " + REAL_KEY, presented, r.path());
      assertFalse(r.body().encode().contains(credential));
      assertTrue((r.authorization() == null || !r.authorization().contains(credential))
          && (r.apiKey() == null || !r.apiKey().contains(credential)), "the credential never reaches the provider");
    }
    JsonObject streamedChat = seen.get(1).body();
    assertEquals(true, streamedChat.getJsonObject("stream_options").getBoolean("include_usage"),
        "a streamed chat completion asks for its usage");
  }

  @Test
  void streamed_answers_reach_the_agent_event_by_event_and_settle_on_their_final_usage() throws Exception {
    provider.holdStreams();
    HttpResponse<InputStream> response = client.openAiStream("/v1/chat/completions", credential, chat(true));
    BufferedReader lines = EgressClient.lines(response);
    String first = CompletableFuture.supplyAsync(() -> {
      try {
        return lines.readLine();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).get(10, TimeUnit.SECONDS);
    assertTrue(first.startsWith("data: "), "the first event arrives while the provider still holds the rest");
    provider.releaseStreams();
    StringBuilder rest = new StringBuilder();
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      rest.append(line).append('\n');
    }
    assertTrue(rest.toString().contains("[DONE]"));

    JsonObject message = new JsonObject().put("model", "claude-test").put("max_tokens", 64).put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    assertEquals(200, client.anthropic(credential, message).statusCode());
    // Stand-in usage: 10 in, 10 out, on both streams (the reservations were 50 and 64 out).
    List<long[]> calls = awaitSettled(2);
    for (long[] call : calls) {
      assertEquals(10, call[0], "tokens in");
      assertEquals(10, call[1], "tokens out");
    }
    // gpt-4o-mini at $1/$2 per million: 10*1 + 10*2 micro-dollars; claude-test $3/$15: 30 + 150.
    assertEquals(30, calls.get(0)[2]);
    assertEquals(180, calls.get(1)[2]);
  }

  @Test
  @Tag("T-SEC-021")
  void a_revoked_credential_or_a_locked_workspace_stops_the_next_call() throws Exception {
    assertEquals(200, client.openAi("/v1/chat/completions", credential, chat(false)).statusCode());
    assertEquals(204, fixture.admin.delete("/admin/v1/workspaces/" + workspace + "/egress-credentials/"
        + credentialId).statusCode());
    HttpResponse<String> revoked = client.openAi("/v1/chat/completions", credential, chat(false));
    assertEquals(401, revoked.statusCode());
    assertEquals("invalid_api_key", new JsonObject(revoked.body()).getJsonObject("error").getString("code"));
    assertEquals(401, client.openAi("/v1/chat/completions", "ghe_0123456789abcdef_"
        + "A".repeat(43), chat(false)).statusCode());
    assertEquals(1, provider.received().size(), "refused calls never reach the provider");

    String fresh = fixture.admin.post("/admin/v1/workspaces/" + workspace + "/egress-credentials",
        new JsonObject().put("agent", AGENT)).getString("credential");
    assertEquals(200, client.openAi("/v1/chat/completions", fresh, chat(false)).statusCode());
    fixture.admin.post("/admin/v1/workspaces/" + workspace + "/lock", new JsonObject());
    HttpResponse<String> locked = client.anthropic(fresh, new JsonObject().put("model", "claude-test")
        .put("max_tokens", 5).put("messages", new JsonArray()));
    assertEquals(403, locked.statusCode());
    assertEquals("permission_error", new JsonObject(locked.body()).getJsonObject("error").getString("type"),
        "an Anthropic client gets Anthropic's error shape");
    assertEquals(2, provider.received().size());
  }

  @Test
  @Tag("T-SEC-020")
  void a_workspace_without_a_provider_key_is_refused_and_keys_are_listed_without_values() throws Exception {
    assertEquals(204, fixture.admin.delete("/admin/v1/workspaces/" + workspace + "/provider-keys/openai").statusCode());
    HttpResponse<String> refused = client.openAi("/v1/chat/completions", credential, chat(false));
    assertEquals(503, refused.statusCode());
    assertEquals(0, provider.received().size());
    String listed = fixture.admin.get("/admin/v1/workspaces/" + workspace + "/provider-keys").body();
    assertTrue(listed.contains("anthropic") && !listed.contains(REAL_KEY));
    String sealed = column("SELECT key_sealed FROM egress_provider_keys");
    assertFalse(sealed.contains(REAL_KEY), "provider keys are stored sealed");
  }

  @Test
  @Tag("T-DOS-020")
  void a_call_is_refused_when_the_budget_state_cannot_be_read() throws Exception {
    assertEquals(204, fixture.admin.put("/admin/v1/workspaces/" + workspace + "/budget",
        new JsonObject().put("window", "1d").put("maxRequests", 100)).statusCode());
    fixture.database.close();
    HttpResponse<String> refused = client.openAi("/v1/chat/completions", credential, chat(false));
    assertEquals(503, refused.statusCode());
    assertEquals("budget_unavailable", new JsonObject(refused.body()).getJsonObject("error").getString("code"));
    assertEquals(0, provider.received().size(), "nothing is forwarded without budget state");
  }

  @Test
  void an_unreachable_provider_answers_502_and_the_call_settles_on_nothing() throws Exception {
    provider.close();
    HttpResponse<String> refused = client.openAi("/v1/chat/completions", credential, chat(false));
    assertEquals(502, refused.statusCode());
    assertEquals("provider_unreachable", new JsonObject(refused.body()).getJsonObject("error").getString("code"));
    List<long[]> calls = awaitSettled(1);
    assertEquals(0, calls.get(0)[0] + calls.get(0)[1], "a call the provider never saw uses nothing of the budget");
  }

  @Test
  void each_call_and_each_refusal_is_an_egress_audit_event_with_the_model_call() throws Exception {
    assertEquals(200, client.openAi("/v1/chat/completions", credential, chat(false)).statusCode());
    assertEquals(401, client.openAi("/v1/chat/completions", "not-a-credential", chat(false)).statusCode());
    List<List<String>> events = awaitEgressEvents(2);
    List<String> allowed = events.stream().filter(e -> e.get(0).equals("allowed")).findFirst().orElseThrow();
    assertEquals(List.of("allowed", "200", "agent:" + AGENT, workspace, credentialId,
        "egress.openai.chat_completions", "/v1/chat/completions", AGENT, "openai", "gpt-4o-mini", "10", "10", "30"),
        allowed);
    List<String> refused = events.stream().filter(e -> !e.get(0).equals("allowed")).findFirst().orElseThrow();
    assertEquals("egress_credential_unknown", refused.get(0));
    assertEquals("401", refused.get(1));
    String all = events.toString();
    assertFalse(all.contains(REAL_KEY) || all.contains(credential) || all.contains("MARK1"));
  }

  private List<List<String>> awaitEgressEvents(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<List<String>> events = new ArrayList<>();
      try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
           PreparedStatement q = c.prepareStatement("SELECT reason_key, status, subject, workspace, jti, route_id, "
               + "path_template, agent, provider, model, tokens_in, tokens_out, cost_micros FROM audit_events "
               + "WHERE kind = 'egress' ORDER BY ts");
           ResultSet rows = q.executeQuery()) {
        while (rows.next()) {
          List<String> event = new ArrayList<>();
          for (int i = 1; i <= 13; i++) {
            event.add(rows.getString(i));
          }
          events.add(event);
        }
      }
      if (events.size() >= count || System.nanoTime() > deadline) {
        assertEquals(count, events.size());
        return events;
      }
      Thread.sleep(50);
    }
  }

  /** {@code [tokens_in, tokens_out, cost_micros]} of settled calls in start order, once there are {@code count}. */
  private List<long[]> awaitSettled(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<long[]> calls = new ArrayList<>();
      try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
           PreparedStatement q = c.prepareStatement("SELECT tokens_in, tokens_out, cost_micros FROM egress_calls "
               + "WHERE settled_at IS NOT NULL ORDER BY started_at");
           ResultSet rows = q.executeQuery()) {
        while (rows.next()) {
          calls.add(new long[] {rows.getLong(1), rows.getLong(2), rows.getLong(3)});
        }
      }
      if (calls.size() >= count || System.nanoTime() > deadline) {
        assertEquals(count, calls.size());
        return calls;
      }
      Thread.sleep(50);
    }
  }

  private String column(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
         ResultSet rows = c.createStatement().executeQuery(sql)) {
      assertTrue(rows.next());
      String value = rows.getString(1);
      assertNotNull(value);
      return value;
    }
  }
}
