package dev.gatehouse.gateway.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector inside serve evaluates every audit event exactly once across restarts: a run with
 * the detector, a run without it (its events are only stored), and a run with it again, which
 * first catches up from the stored read position.
 */
class DetectorRestartIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void everyEventIsEvaluatedOnceAcrossRestartsAndARunWithoutTheDetector(@TempDir Path dataDir) throws Exception {
    try (TestDatabase db = new TestDatabase(); TestUpstream upstream = new TestUpstream()) {
      String[] base = {"upstream.url=" + upstream.url(), "database.url=" + db.url(),
          "limits.perAddress.burst=10000"};

      long first = runAndStop(dataDir, base, 30, true);
      long stored = count(db, "SELECT count(*) FROM audit_events");
      assertEquals(30, stored);
      assertEquals(stored, first, "the first run evaluated each of its events once");

      runAndStop(dataDir, with(base, "detector.enabled=false"), 20, false);
      assertEquals(30, count(db, "SELECT seq FROM detector_cursors"), "a run without the detector moves nothing");

      long third = runAndStop(dataDir, base, 10, true);
      long all = count(db, "SELECT count(*) FROM audit_events");
      assertEquals(60, all);
      assertEquals(30, third, "the third run caught up the 20 events it had not seen, then evaluated its own 10");
      assertEquals(all, first + third, "no event skipped, none evaluated twice");
      assertEquals(all, count(db, "SELECT seq FROM detector_cursors"));
    }
  }

  private static long runAndStop(Path dataDir, String[] settings, int requests, boolean detector) throws Exception {
    Gateway gateway = TestGateways.start(dataDir, settings);
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
          URI.create(TestGateways.mainUrl(gateway) + "/api/agents")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, response.statusCode());
    }
    Await.result(gateway.stop());
    return detector ? gateway.detector().orElseThrow().stats().eventsEvaluated() : -1;
  }

  private static String[] with(String[] base, String extra) {
    String[] all = java.util.Arrays.copyOf(base, base.length + 1);
    all[base.length] = extra;
    return all;
  }

  private static long count(TestDatabase db, String sql) throws Exception {
    try (Connection conn = DriverManager.getConnection(db.jdbcUrl()); ResultSet rows = conn.createStatement()
        .executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
