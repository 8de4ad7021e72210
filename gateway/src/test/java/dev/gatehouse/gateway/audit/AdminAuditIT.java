package dev.gatehouse.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin-plane request, allowed or refused, is one audit event of kind {@code admin} with
 * who asked (the bootstrap credential is subject {@code admin:bootstrap}), the route template and
 * the status; the admin credential itself never reaches the row.
 */
class AdminAuditIT {

  @TempDir
  static Path dataDir;

  static AuditNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new AuditNode(dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void admin_requests_are_audited_with_their_caller_route_and_status() throws Exception {
    String token = Files.readString(node.adminTokenFile).trim();
    HttpResponse<String> allowed = node.adminGet("/admin/v1/status", token);
    HttpResponse<String> refused = node.adminGet("/admin/v1/status", "not-the-token");
    String allowedId = allowed.headers().firstValue("X-Request-Id").orElseThrow();
    String refusedId = refused.headers().firstValue("X-Request-Id").orElseThrow();
    assertEquals(200, allowed.statusCode());
    assertEquals(401, refused.statusCode());

    assertEquals(2, node.awaitStored(List.of(allowedId, refusedId), Duration.ofSeconds(30)).size());
    try (Connection c = DriverManager.getConnection(node.database.jdbcUrl());
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT kind, decision, reason_key, status, subject, route_id, path_template, request_id, "
                + "audit_events::text FROM audit_events WHERE request_id IN ('" + allowedId + "', '" + refusedId
                + "') ORDER BY seq")) {
      rs.next();
      assertEquals(List.of("admin", "allow", "allowed", "200", "admin:bootstrap", "admin", "/admin/v1/status", allowedId),
          List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
              rs.getString(6), rs.getString(7), rs.getString(8)));
      assertFalse(rs.getString(9).contains(token), "the admin credential is never recorded");
      rs.next();
      assertEquals(List.of("admin", "deny", "unauthorized", "401"),
          List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
      assertEquals(null, rs.getString(5), "no subject for a refused credential");
    }
  }
}
