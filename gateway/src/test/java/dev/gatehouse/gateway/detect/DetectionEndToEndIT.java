package dev.gatehouse.gateway.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks through a running gateway raise their alerts within {@link #ALERT_WITHIN}, with evidence
 * that points at the real audit events, and the configured automatic response takes effect:
 * a credential-stuffing burst from one address (D01), and a stolen token replayed from new
 * networks (D05, whose automatic responses revoke the token and call the webhook). Client
 * addresses come through a trusted loopback proxy's {@code X-Forwarded-For}.
 */
class DetectionEndToEndIT {

  static final Duration ALERT_WITHIN = Duration.ofSeconds(5);

  @TempDir
  static Path dataDir;
  static GatewayFixture node;
  static HttpServer webhook;
  static final LinkedBlockingQueue<String> webhookBodies = new LinkedBlockingQueue<>();
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/hook", exchange -> {
      webhookBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    webhook.start();
    node = GatewayFixture.start(dataDir,
        "server.trustedProxies=127.0.0.1/32",
        "limits.failedAuthentication.burst=1000",
        "limits.perAddress.burst=1000",
        "detector.webhook.url=http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook",
        "detector.webhook.timeout=2s");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    webhook.stop(0);
  }

  @Test
  @Tag("T-AUD-009")
  void aCredentialStuffingBurstRaisesItsAlertWithinFiveSecondsWithEvidenceInTheTrail() throws Exception {
    String attacker = "203.0.113.50";
    for (int i = 0; i < 20; i++) {
      assertEquals(401, get("/api/agents/a1", attacker, "not-a-token-" + i).statusCode());
    }
    long decisive = System.nanoTime();

    JsonObject alert = awaitAlert("D01", "client_address=" + attacker);
    Duration took = Duration.ofNanos(System.nanoTime() - decisive);

    assertTrue(took.compareTo(ALERT_WITHIN) < 0, "alert after " + took.toMillis() + " ms");
    System.out.printf("D01 alert %d ms after the decisive request%n", took.toMillis());
    assertEquals("open", alert.getString("status"));
    JsonArray evidence = alert.getJsonArray("evidence");
    assertEquals(10, evidence.size());
    for (Object ref : evidence) {
      JsonObject event = storedEvent((JsonObject) ref).orElseThrow(() -> new AssertionError("no event " + ref));
      assertEquals(attacker, event.getString("client_address"));
      assertEquals(401, event.getInteger("status"));
      assertEquals("deny", event.getString("decision"));
    }
    assertEquals("suggested", alert.getJsonArray("responses").getJsonObject(0).getString("outcome"),
        "D01 only suggests the block");
  }

  @Test
  @Tag("T-AUD-009")
  @Tag("T-AUD-010")
  @Tag("T-AUTH-014")
  void aStolenTokenReplayedFromNewNetworksIsAlertedAndRevokedAutomatically() throws Exception {
    String workspace = node.admin.createWorkspace("victims");
    JsonObject minted = node.admin.mint(workspace, "victim", List.of("agents:read"), "1h");
    String token = minted.getString("token");
    String jti = minted.getString("jti");
    assertEquals(200, get("/api/agents/a1", "198.51.100.7", token).statusCode(), "the owner's network");
    assertEquals(200, get("/api/agents/a1", "192.0.2.77", token).statusCode(), "a second network");
    assertEquals(200, get("/api/agents/a1", "203.0.113.99", token).statusCode(), "a third network");
    long decisive = System.nanoTime();

    JsonObject alert = awaitAlert("D05", "jti=" + jti);
    Duration took = Duration.ofNanos(System.nanoTime() - decisive);
    assertTrue(took.compareTo(ALERT_WITHIN) < 0, "alert after " + took.toMillis() + " ms");
    System.out.printf("D05 alert %d ms after the decisive request%n", took.toMillis());
    assertEquals(workspace, alert.getString("workspace"));
    for (Object ref : alert.getJsonArray("evidence")) {
      JsonObject event = storedEvent((JsonObject) ref).orElseThrow(() -> new AssertionError("no event " + ref));
      assertEquals(jti, event.getString("jti"));
    }

    int status = 0;
    long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
    while (System.nanoTime() < deadline && (status = get("/api/agents/a1", "203.0.113.99", token).statusCode()) != 401) {
      Thread.sleep(50);
    }
    assertEquals(401, status, "the automatic response revoked the token");
    JsonObject revoked = new JsonObject(node.admin.get("/admin/v1/tokens/" + jti).body());
    assertEquals("revoked", revoked.getString("status"));

    JsonObject detail = awaitResponses(alert.getString("id"), 2);
    JsonObject revoke = response(detail, "revoke_token");
    assertEquals("automatic", revoke.getString("mode"));
    assertEquals("done", revoke.getString("outcome"));
    assertEquals("done", response(detail, "webhook").getString("outcome"));
    String hook = webhookBodies.poll(5, TimeUnit.SECONDS);
    JsonObject summary = new JsonObject(hook);
    assertEquals("D05", summary.getString("rule"));
    assertEquals(alert.getString("id"), summary.getString("alert"));
    assertFalse(hook.contains(token), "the webhook never carries the token");
    assertTrue(detectorAuditedResponse(alert.getString("id"), "response.revoke_token"),
        "the response is itself an audit event of subject detector");
  }

  static HttpResponse<String> get(String path, String address, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.gateway.port() + path))
        .header("X-Forwarded-For", address);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls the alerts API until the rule's alert for the entity exists (up to twice the bound, so a slow alert fails on time, not here). */
  static JsonObject awaitAlert(String rule, String entity) throws Exception {
    long deadline = System.nanoTime() + ALERT_WITHIN.multipliedBy(2).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject page = new JsonObject(node.admin.get("/admin/v1/alerts?rule=" + rule).body());
      for (Object alert : page.getJsonArray("alerts")) {
        if (entity.equals(((JsonObject) alert).getString("entity"))) {
          return (JsonObject) alert;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no " + rule + " alert for " + entity);
  }

  static JsonObject awaitResponses(String alertId, int count) throws Exception {
    long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
    JsonObject detail;
    do {
      detail = new JsonObject(node.admin.get("/admin/v1/alerts/" + alertId).body());
      if (detail.getJsonArray("responses").size() >= count) {
        return detail;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("responses missing: " + detail.getJsonArray("responses"));
  }

  static JsonObject response(JsonObject alert, String action) {
    return alert.getJsonArray("responses").stream().map(JsonObject.class::cast)
        .filter(r -> action.equals(r.getString("action"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + action + " response"));
  }

  /** The stored audit event an evidence reference points at, by node and sequence number. */
  static Optional<JsonObject> storedEvent(JsonObject ref) throws Exception {
    try (Connection conn = DriverManager.getConnection(node.database.jdbcUrl());
        PreparedStatement query = conn.prepareStatement("SELECT event_id::text, client_address, status, decision, jti "
            + "FROM audit_events WHERE node_id = ? AND seq = ?")) {
      query.setString(1, ref.getString("node"));
      query.setLong(2, ref.getLong("seq"));
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        assertEquals(ref.getString("event_id"), row.getString(1), "the reference names that very event");
        return Optional.of(new JsonObject().put("client_address", row.getString(2)).put("status", row.getInt(3))
            .put("decision", row.getString(4)).put("jti", row.getString(5)));
      }
    }
  }

  static boolean detectorAuditedResponse(String alertId, String reason) throws Exception {
    long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection conn = DriverManager.getConnection(node.database.jdbcUrl());
          PreparedStatement query = conn.prepareStatement("SELECT count(*) FROM audit_events WHERE kind = 'admin' "
              + "AND subject = 'detector' AND reason_key = ? AND resource_ids ->> 'alertId' = ?")) {
        query.setString(1, reason);
        query.setString(2, alertId);
        try (ResultSet row = query.executeQuery()) {
          row.next();
          if (row.getLong(1) == 1) {
            return true;
          }
        }
      }
      Thread.sleep(100);
    }
    return false;
  }
}
