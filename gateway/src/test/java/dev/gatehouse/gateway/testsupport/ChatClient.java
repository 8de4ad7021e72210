package dev.gatehouse.gateway.testsupport;

import dev.gatehouse.gateway.ownership.OwnershipRegistry;
import dev.gatehouse.gateway.workspace.EntityIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * One person of one workspace talking to agents through a gateway, the way the elizaOS client
 * and API integrations do: deploy an agent, open a direct-message channel with it in the
 * runtime's default message server, then converse over REST ({@code transport: http}, the
 * answer in the response) or over Socket.IO (the client's {@code message} join and send frames;
 * the answer arrives as the agent's {@code messageBroadcast}). Every answer it receives is kept,
 * so a test can check that nothing of another workspace ever reached it.
 */
public final class ChatClient {

  /** How long a first exchange may wait for the workspace's runtime to start. */
  public static final Duration COLD_START = Duration.ofSeconds(90);
  /** The runtime's default message server, which the elizaOS client names. */
  public static final String SERVER = OwnershipRegistry.RUNTIME_MESSAGE_SERVER;

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final String url;
  private final int port;
  private final String workspace;
  private final String subject;
  private final String token;
  private final List<String> answers = Collections.synchronizedList(new ArrayList<>());

  public ChatClient(String url, int port, String workspace, String subject, String token) {
    this.url = url;
    this.port = port;
    this.workspace = workspace;
    this.subject = subject;
    this.token = token;
  }

  public String workspace() {
    return workspace;
  }

  public String token() {
    return token;
  }

  /** The entity id the runtime knows this person by. */
  public String entity() {
    return EntityIds.of(workspace, subject).toString();
  }

  /** Every status line, header set and body this client received, HTTP and Socket.IO. */
  public List<String> answers() {
    synchronized (answers) {
      return List.copyOf(answers);
    }
  }

  /** Sends a request; the answer is kept and returned whatever its status. */
  public HttpResponse<String> send(String method, String target, JsonObject body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + target))
        .timeout(COLD_START)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    answers.add(response.statusCode() + " " + response.headers().map() + " " + response.body());
    return response;
  }

  /** Sends a request that must answer {@code expected}; the JSON answer. */
  public JsonObject call(String method, String target, JsonObject body, int expected) throws Exception {
    HttpResponse<String> response = send(method, target, body);
    if (response.statusCode() != expected) {
      throw new AssertionError(subject + ": " + method + " " + target + " answered " + response.statusCode()
          + " (expected " + expected + "): " + response.body());
    }
    return response.body().isBlank() ? new JsonObject() : new JsonObject(response.body());
  }

  /** Deploys an agent that answers ({@link ElizaRuntimes#character}) and starts it; its id. */
  public String deployAgent(String name) throws Exception {
    String id = call("POST", "/api/agents", new JsonObject().put("characterJson", ElizaRuntimes.character(name)), 201)
        .getJsonObject("data").getString("id");
    call("POST", "/api/agents/" + id + "/start", null, 200);
    return id;
  }

  /** A direct-message channel between this person and {@code agent}, as the elizaOS client opens one. */
  public String openDirectChannel(String agent) throws Exception {
    return call("POST", "/api/messaging/channels", new JsonObject()
        .put("name", "dm-" + subject)
        .put("message_server_id", SERVER)
        .put("type", "DM")
        .put("participantCentralUserIds", new JsonArray().add(entity()).add(agent))
        .put("metadata", new JsonObject().put("isDm", true)), 201)
        .getJsonObject("data").getString("id");
  }

  /** Posts {@code text} over REST with {@code transport: http}; the agent's answer text. */
  public String askOverRest(String channel, String text) throws Exception {
    JsonObject answer = call("POST", "/api/messaging/channels/" + channel + "/messages", new JsonObject()
        .put("content", text).put("transport", "http"), 201);
    JsonObject response = answer.getJsonObject("agentResponse");
    if (response == null) {
      throw new AssertionError("no agent response: " + answer.encode());
    }
    return response.getString("text");
  }

  /** Opens a Socket.IO session as this person (token in the CONNECT payload, as browsers send it). */
  public SocketIoTestClient openSocket() throws Exception {
    SocketIoTestClient socket = SocketIoTestClient.open(port, null);
    socket.handshake(new JsonObject().put("token", token).put("entityId", entity()), COLD_START);
    return socket;
  }

  /** Joins {@code channel} with the client's type-1 frame, as the elizaOS client does. */
  public void join(SocketIoTestClient socket, String channel) throws Exception {
    socket.emit("message", new JsonObject().put("type", 1).put("payload", new JsonObject()
        .put("channelId", channel).put("roomId", channel).put("entityId", entity()).put("messageServerId", SERVER)
        .put("metadata", new JsonObject().put("isDm", true).put("channelType", "DM"))));
    // The runtime's first join in a channel creates its room and entities: allow for a busy machine.
    socket.await(f -> f.startsWith("42[\"channel_joined\"") && f.contains(channel), Duration.ofSeconds(30));
  }

  /**
   * Sends {@code text} to {@code agent} in {@code channel} with the client's type-2 frame and
   * waits for the agent's broadcast; its text.
   */
  public String askOverSocket(SocketIoTestClient socket, String channel, String agent, String text) throws Exception {
    socket.emit("message", new JsonObject().put("type", 2).put("payload", new JsonObject()
        .put("channelId", channel).put("roomId", channel).put("senderId", entity()).put("senderName", subject)
        .put("message", text).put("messageId", UUID.randomUUID().toString()).put("messageServerId", SERVER)
        .put("source", "client_chat")
        .put("metadata", new JsonObject().put("isDm", true).put("channelType", "DM").put("targetUserId", agent))));
    String frame = socket.await(f -> f.startsWith("42[\"messageBroadcast\"") && f.contains("\"senderId\":\"" + agent + "\""),
        Duration.ofSeconds(30));
    answers.addAll(socket.transcript());
    return new JsonArray(frame.substring(2)).getJsonObject(1).getString("text");
  }
}
