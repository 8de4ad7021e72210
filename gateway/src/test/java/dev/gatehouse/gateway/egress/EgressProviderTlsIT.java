package dev.gatehouse.gateway.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls leave for the provider over TLS checked against the JDK's trust store: a provider
 * address answered by a server whose certificate nobody vouches for (a man in the middle, a
 * hijacked DNS name) gets no request, and so never the workspace's key.
 */
class EgressProviderTlsIT {

  @TempDir
  Path dir;

  Vertx vertx;
  GatewayFixture fixture;

  @AfterEach
  void stop() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  @Tag("T-SEC-020")
  void a_provider_whose_certificate_is_not_trusted_never_gets_the_call() throws Exception {
    TestPki ca = TestPki.create("Untrusted provider CA");
    TestPki.Issued certificate = ca.issueServer("provider", false, "localhost");
    certificate.writeCertificate(dir.resolve("provider.crt"));
    certificate.writeKey(dir.resolve("provider.key"));
    vertx = Vertx.vertx();
    AtomicInteger requests = new AtomicInteger();
    HttpServer impostor = Await.result(vertx.createHttpServer(new HttpServerOptions().setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(dir.resolve("provider.crt").toString())
                .setKeyPath(dir.resolve("provider.key").toString())))
        .requestHandler(request -> {
          requests.incrementAndGet();
          request.response().end("{}");
        })
        .listen(0, "127.0.0.1"));
    fixture = GatewayFixture.start(dir.resolve("gateway"), "egress.enabled=true", "egress.listen=127.0.0.1:0",
        "egress.openai.baseUrl=https://localhost:" + impostor.actualPort() + "/v1");
    String workspace = fixture.admin.createWorkspace("tls");
    assertEquals(204, fixture.admin.put("/admin/v1/workspaces/" + workspace + "/provider-keys/openai",
        new JsonObject().put("key", "sk-must-not-leave")).statusCode());
    String credential = fixture.admin.post("/admin/v1/workspaces/" + workspace + "/egress-credentials",
        new JsonObject().put("agent", "agent-1")).getString("credential");

    HttpResponse<String> answer = new EgressClient(fixture.gateway.egress().port().orElseThrow())
        .openAi("/v1/chat/completions", credential, new JsonObject().put("model", "gpt-4o-mini")
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))));
    assertEquals(502, answer.statusCode(), answer.body());
    assertEquals("provider_unreachable", new JsonObject(answer.body()).getJsonObject("error").getString("code"));
    assertEquals(0, requests.get(), "the impostor received no request, so no key");
  }
}
