package dev.gatehouse.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessIT {

  @TempDir
  Path dataDir;

  @Test
  void readyz_turns_503_when_the_database_stops_while_healthz_stays_200() throws Exception {
    TestDatabase database = new TestDatabase();
    Gateway gateway = TestGateways.start(dataDir, "database.url=" + database.url());
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI ready = URI.create("http://127.0.0.1:" + gateway.port() + "/readyz");
      URI live = URI.create("http://127.0.0.1:" + gateway.port() + "/healthz");
      assertEquals(200, http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

      database.close();

      HttpResponse<String> notReady = http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, notReady.statusCode());
      assertEquals("down", new JsonObject(notReady.body()).getJsonObject("checks").getString("database"));
      assertEquals(200, http.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    } finally {
      Await.result(gateway.stop());
      database.close();
    }
  }
}
