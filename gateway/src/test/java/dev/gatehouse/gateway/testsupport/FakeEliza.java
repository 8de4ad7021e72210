package dev.gatehouse.gateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An elizaOS 1.7 stand-in on a loopback port that shares no state with any workspace notion: it
 * answers the agents, message server, channel and session routes with the runtime's response
 * shapes (including {@code settings.secrets} on characters and name-derived agent ids), keeps
 * everything in memory and records every request it receives. Any other path answers
 * {@code {"success":true,"data":{}}}, so a test can tell "forwarded" from "refused by the gateway".
 */
public final class FakeEliza implements AutoCloseable {

  /** The runtime's default message server, which belongs to no workspace. */
  public static final String DEFAULT_SERVER = "00000000-0000-0000-0000-000000000000";

  /** One request as the runtime saw it. */
  public record Received(String method, String path, String query, String body) {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> requests = new CopyOnWriteArrayList<>();
  private final Map<String, JsonObject> agents = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> channels = new ConcurrentHashMap<>();
  private final Map<String, JsonArray> messages = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> sessions = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> servers = new ConcurrentHashMap<>();

  public FakeEliza() throws Exception {
    servers.put(DEFAULT_SERVER, new JsonObject().put("id", DEFAULT_SERVER).put("name", "default"));
    server = Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public List<Received> received() {
    return List.copyOf(requests);
  }

  /** Requests whose path contains {@code fragment}. */
  public List<Received> receivedContaining(String fragment) {
    return requests.stream().filter(r -> r.path().contains(fragment) || r.query().contains(fragment)
        || r.body().contains(fragment)).toList();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(buffer -> {
      String body = buffer.toString(StandardCharsets.UTF_8);
      requests.add(new Received(request.method().name(), request.path(),
          request.query() == null ? "" : request.query(), body));
      JsonObject json = body.isBlank() ? new JsonObject() : new JsonObject(body);
      String[] p = request.path().substring(1).split("/");
      String m = request.method().name();
      JsonObject answer;
      int status = 200;
      if (m.equals("POST") && request.path().equals("/api/agents")) {
        JsonObject character = json.getJsonObject("characterJson", json.getJsonObject("agent", new JsonObject())).copy();
        String id = character.getString("id",
            UUID.nameUUIDFromBytes(character.getString("name", "").getBytes(StandardCharsets.UTF_8)).toString());
        character.put("id", id);
        agents.putIfAbsent(id, character);
        status = 201;
        answer = ok(new JsonObject().put("id", id).put("character", character));
      } else if (m.equals("GET") && request.path().equals("/api/agents")) {
        JsonArray list = new JsonArray();
        agents.values().forEach(a -> list.add(new JsonObject().put("id", a.getString("id")).put("name", a.getString("name"))));
        answer = ok(new JsonObject().put("agents", list));
      } else if (m.equals("GET") && p.length == 3 && p[1].equals("agents")) {
        JsonObject agent = agents.get(p[2]);
        if (agent == null) {
          status = 404;
          answer = new JsonObject().put("success", false);
        } else {
          answer = ok(agent);
        }
      } else if (m.equals("POST") && request.path().equals("/api/messaging/message-servers")) {
        String id = UUID.randomUUID().toString();
        JsonObject created = new JsonObject().put("id", id).put("name", json.getString("name"));
        servers.put(id, created);
        status = 201;
        answer = ok(new JsonObject().put("server", created));
      } else if (m.equals("GET") && request.path().equals("/api/messaging/message-servers")) {
        answer = ok(new JsonObject().put("messageServers", new JsonArray(List.copyOf(servers.values()))));
      } else if (m.equals("GET") && request.path().equals("/api/messaging/message-server/current")) {
        answer = ok(new JsonObject().put("messageServerId", DEFAULT_SERVER));
      } else if (m.equals("POST") && request.path().equals("/api/messaging/channels")) {
        String id = UUID.randomUUID().toString();
        JsonObject channel = new JsonObject().put("id", id).put("messageServerId", json.getString("message_server_id"))
            .put("participants", json.getJsonArray("participantCentralUserIds", new JsonArray()));
        channels.put(id, channel);
        status = 201;
        answer = ok(channel);
      } else if (p.length == 5 && p[2].equals("channels") && p[4].equals("messages") && m.equals("POST")) {
        JsonObject message = new JsonObject().put("id", UUID.randomUUID().toString())
            .put("author_id", json.getString("author_id")).put("content", json.getString("content"));
        messages.computeIfAbsent(p[3], k -> new JsonArray()).add(message);
        status = 201;
        answer = ok(new JsonObject().put("userMessage", message));
      } else if (p.length == 5 && p[2].equals("channels") && p[4].equals("messages") && m.equals("GET")) {
        answer = ok(new JsonObject().put("messages", messages.getOrDefault(p[3], new JsonArray()).copy()));
      } else if (p.length == 5 && p[2].equals("channels") && p[4].equals("participants")) {
        JsonObject channel = channels.get(p[3]);
        answer = ok(channel == null ? new JsonArray() : channel.getJsonArray("participants"));
      } else if (m.equals("GET") && request.path().equals("/api/messaging/dm-channel")) {
        answer = ok(new JsonObject().put("id", UUID.randomUUID().toString())
            .put("participants", new JsonArray().add(request.getParam("currentUserId")).add(request.getParam("targetUserId"))));
      } else if (m.equals("POST") && request.path().equals("/api/messaging/sessions")) {
        String id = UUID.randomUUID().toString();
        JsonObject session = new JsonObject().put("sessionId", id).put("channelId", UUID.randomUUID().toString())
            .put("agentId", json.getString("agentId")).put("userId", json.getString("userId"));
        sessions.put(id, session);
        status = 201;
        answer = session;
      } else if (m.equals("GET") && request.path().equals("/api/messaging/sessions")) {
        answer = new JsonObject().put("sessions", new JsonArray(List.copyOf(sessions.values())))
            .put("total", sessions.size()).put("stats", new JsonObject().put("totalSessions", sessions.size()));
      } else {
        answer = ok(new JsonObject());
      }
      request.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
          .end(answer.encode());
    });
  }

  private static JsonObject ok(Object data) {
    return new JsonObject().put("success", true).put("data", data);
  }

  @Override
  public void close() throws Exception {
    Await.result(vertx.close());
  }
}
