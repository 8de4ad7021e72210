package dev.gatehouse.gateway.testsupport;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model provider for tests: an HTTP server on a loopback port answering the OpenAI API shapes
 * that {@code @elizaos/plugin-openai} 1.6.0 uses (no provider is reachable from tests). It answers
 *
 * <ul>
 *   <li>{@code GET /v1/models};</li>
 *   <li>{@code POST /v1/responses}, as JSON or as server-sent events when the body asks to
 *       stream: the message handler's prompt gets plugin-bootstrap's XML answer whose text is
 *       {@code echo: <marker>}, where the marker is the first {@code MARK...} token of the
 *       received message (or its first 80 characters); the should-respond prompt gets
 *       {@code RESPOND}, the reflection prompt an empty reflection, a JSON-object request
 *       {@code {"echo": marker}};</li>
 *   <li>{@code POST /v1/chat/completions} (image descriptions), JSON or streamed;</li>
 *   <li>{@code POST /v1/embeddings}: deterministic vectors of {@value #DIMENSIONS} numbers;</li>
 *   <li>{@code POST /v1/messages} (Anthropic's Messages API), JSON or streamed.</li>
 * </ul>
 * Every answer reports 10 input and 10 output tokens (embeddings: 5 input). Every request is
 * recorded. After {@link #holdStreams()}, a streamed answer sends its first event and then waits
 * for {@link #releaseStreams()} before the rest.
 */
public final class StandInModel implements AutoCloseable {

  /** plugin-openai's default embedding size. */
  public static final int DIMENSIONS = 1536;
  /** The API key the runtimes are given; the stand-in accepts any. */
  public static final String API_KEY = "sk-stand-in-model-key";

  /** One request as the stand-in received it. */
  public record Received(String method, String path, String authorization, String apiKey, JsonObject body) {}

  private static final Pattern RECEIVED = Pattern.compile("# Received Message\\n[^\\n:]*: ([^\\n]*)");
  private static final Pattern MARK = Pattern.compile("\\bMARK[0-9A-Za-z_-]*");

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  private volatile Promise<Void> streamGate;

  public StandInModel() throws Exception {
    server = Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  /** {@code http://127.0.0.1:<port>/v1}, the value of {@code OPENAI_BASE_URL}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  public List<Received> received() {
    return List.copyOf(requests);
  }

  /** Requests whose body contains {@code text}. */
  public List<Received> receivedContaining(String text) {
    return requests.stream().filter(r -> r.body().encode().contains(text)).toList();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(buffer -> {
      JsonObject body;
      try {
        body = buffer.length() == 0 ? new JsonObject() : buffer.toJsonObject();
      } catch (RuntimeException e) {
        body = new JsonObject();
      }
      String path = request.path().startsWith("/v1") ? request.path().substring(3) : request.path();
      requests.add(new Received(request.method().name(), path, request.getHeader("Authorization"),
          request.getHeader("x-api-key"), body));
      HttpServerResponse response = request.response();
      switch (request.method().name() + " " + path) {
        case "GET /models" -> json(response, new JsonObject().put("object", "list").put("data", new JsonArray()
            .add(model("gpt-4o-mini")).add(model("gpt-4o")).add(model("text-embedding-3-small"))));
        case "POST /responses" -> responses(response, body);
        case "POST /chat/completions" -> chat(response, body);
        case "POST /embeddings" -> embeddings(response, body);
        case "POST /messages" -> messages(response, body);
        default -> response.setStatusCode(404).end(new JsonObject().put("error", new JsonObject()
            .put("message", "no route").put("type", "invalid_request_error")).encode());
      }
    });
  }

  private static JsonObject model(String id) {
    return new JsonObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", "stand-in");
  }

  /** The text of the last user message, or of the whole request. */
  /**
   * Input tokens a chat completion reports: a prompt of 1,000 characters or more counts at four
   * characters a token (so a test can drive a token spike), a shorter one as 10.
   */
  static int promptTokens(JsonObject body) {
    int length = prompt(body).length();
    return length >= 1_000 ? length / 4 : 10;
  }

  private static String prompt(JsonObject body) {
    Object input = body.getValue("input");
    if (input instanceof String text) {
      return text;
    }
    if (input instanceof JsonArray array) {
      return array.encode().replace("\\n", "\n");
    }
    JsonArray messages = body.getJsonArray("messages");
    return messages == null ? "" : messages.encode().replace("\\n", "\n");
  }

  static String marker(String prompt) {
    Matcher received = RECEIVED.matcher(prompt);
    if (received.find()) {
      Matcher mark = MARK.matcher(received.group(1));
      return mark.find() ? mark.group() : received.group(1).substring(0, Math.min(80, received.group(1).length()));
    }
    Matcher mark = MARK.matcher(prompt);
    String last = "no-marker";
    while (mark.find()) {
      last = mark.group();
    }
    return last;
  }

  static String answer(JsonObject body) {
    String prompt = prompt(body);
    JsonObject text = body.getJsonObject("text");
    JsonObject format = text == null ? body.getJsonObject("response_format") : text.getJsonObject("format");
    if (format != null && "json_object".equals(format.getString("type"))) {
      return new JsonObject().put("echo", marker(prompt)).encode();
    }
    if (prompt.contains("whether they should respond")) {
      return "<response><name>agent</name><reasoning>ok</reasoning><action>RESPOND</action></response>";
    }
    if (prompt.contains("Generate Agent Reflection")) {
      return "<response><thought>ok</thought><facts>none</facts><relationships>none</relationships></response>";
    }
    return "<response><thought>ok</thought><actions>REPLY</actions><providers></providers><text>echo: "
        + marker(prompt) + "</text></response>";
  }

  private void responses(HttpServerResponse response, JsonObject body) {
    String text = answer(body);
    long n = sequence.incrementAndGet();
    String id = "resp_" + n;
    String item = "msg_" + n;
    JsonObject usage = new JsonObject().put("input_tokens", 10).put("output_tokens", 10);
    long created = System.currentTimeMillis() / 1000;
    if (!body.getBoolean("stream", false)) {
      json(response, new JsonObject().put("id", id).put("object", "response").put("created_at", created)
          .put("model", body.getString("model")).put("status", "completed")
          .put("output", new JsonArray().add(new JsonObject().put("type", "message").put("id", item)
              .put("role", "assistant").put("status", "completed")
              .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", text)
                  .put("annotations", new JsonArray())))))
          .put("usage", usage));
      return;
    }
    StringBuilder events = new StringBuilder();
    event(events, new JsonObject().put("type", "response.created").put("response", new JsonObject().put("id", id)
        .put("created_at", created).put("model", body.getString("model"))));
    event(events, new JsonObject().put("type", "response.output_item.added").put("output_index", 0)
        .put("item", new JsonObject().put("type", "message").put("id", item)));
    for (String chunk : chunks(text)) {
      event(events, new JsonObject().put("type", "response.output_text.delta").put("item_id", item).put("delta", chunk));
    }
    event(events, new JsonObject().put("type", "response.output_item.done").put("output_index", 0)
        .put("item", new JsonObject().put("type", "message").put("id", item)));
    event(events, new JsonObject().put("type", "response.completed").put("response", new JsonObject().put("usage", usage)));
    stream(response, events.toString());
  }

  private void chat(HttpServerResponse response, JsonObject body) {
    String text = answer(body);
    String id = "chatcmpl_" + sequence.incrementAndGet();
    long created = System.currentTimeMillis() / 1000;
    int promptTokens = promptTokens(body);
    JsonObject usage = new JsonObject().put("prompt_tokens", promptTokens).put("completion_tokens", 10)
        .put("total_tokens", promptTokens + 10);
    if (!body.getBoolean("stream", false)) {
      json(response, new JsonObject().put("id", id).put("object", "chat.completion").put("created", created)
          .put("model", body.getString("model"))
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
              .put("message", new JsonObject().put("role", "assistant").put("content", text))))
          .put("usage", usage));
      return;
    }
    StringBuilder events = new StringBuilder();
    for (String chunk : chunks(text)) {
      event(events, new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
          .put("model", body.getString("model")).put("choices", new JsonArray().add(new JsonObject().put("index", 0)
              .put("delta", new JsonObject().put("content", chunk)).putNull("finish_reason"))));
    }
    event(events, new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
        .put("model", body.getString("model")).put("usage", usage).put("choices", new JsonArray().add(
            new JsonObject().put("index", 0).put("delta", new JsonObject()).put("finish_reason", "stop"))));
    events.append("data: [DONE]\n\n");
    stream(response, events.toString());
  }

  private static void embeddings(HttpServerResponse response, JsonObject body) {
    Object input = body.getValue("input");
    JsonArray inputs = input instanceof JsonArray array ? array : new JsonArray().add(input == null ? "" : input);
    JsonArray data = new JsonArray();
    for (int i = 0; i < inputs.size(); i++) {
      JsonArray vector = new JsonArray();
      int hot = String.valueOf(inputs.getValue(i)).length() % DIMENSIONS;
      for (int d = 0; d < DIMENSIONS; d++) {
        vector.add(d == hot ? 1 : 0);
      }
      data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", vector));
    }
    json(response, new JsonObject().put("object", "list").put("model", body.getString("model")).put("data", data)
        .put("usage", new JsonObject().put("prompt_tokens", 5).put("total_tokens", 5)));
  }

  private void messages(HttpServerResponse response, JsonObject body) {
    String text = answer(body);
    String id = "msg_" + sequence.incrementAndGet();
    if (!body.getBoolean("stream", false)) {
      json(response, new JsonObject().put("id", id).put("type", "message").put("role", "assistant")
          .put("model", body.getString("model"))
          .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text)))
          .put("stop_reason", "end_turn")
          .put("usage", new JsonObject().put("input_tokens", 10).put("output_tokens", 10)));
      return;
    }
    StringBuilder events = new StringBuilder();
    named(events, "message_start", new JsonObject().put("type", "message_start").put("message", new JsonObject()
        .put("id", id).put("type", "message").put("role", "assistant").put("model", body.getString("model"))
        .put("content", new JsonArray())
        .put("usage", new JsonObject().put("input_tokens", 10).put("output_tokens", 1))));
    named(events, "content_block_start", new JsonObject().put("type", "content_block_start").put("index", 0)
        .put("content_block", new JsonObject().put("type", "text").put("text", "")));
    for (String chunk : chunks(text)) {
      named(events, "content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", 0)
          .put("delta", new JsonObject().put("type", "text_delta").put("text", chunk)));
    }
    named(events, "content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", 0));
    named(events, "message_delta", new JsonObject().put("type", "message_delta")
        .put("delta", new JsonObject().put("stop_reason", "end_turn"))
        .put("usage", new JsonObject().put("output_tokens", 10)));
    named(events, "message_stop", new JsonObject().put("type", "message_stop"));
    stream(response, events.toString());
  }

  private static void named(StringBuilder events, String name, JsonObject event) {
    events.append("event: ").append(name).append('\n');
    event(events, event);
  }

  /** From now on, a streamed answer stops after its first event until {@link #releaseStreams()}. */
  public void holdStreams() {
    streamGate = Promise.promise();
  }

  /** Lets held streams finish, and later ones stream at once. */
  public void releaseStreams() {
    Promise<Void> gate = streamGate;
    streamGate = null;
    if (gate != null) {
      vertx.runOnContext(v -> gate.tryComplete());
    }
  }

  private static List<String> chunks(String text) {
    int size = Math.max(1, (text.length() + 2) / 3);
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < text.length(); i += size) {
      out.add(text.substring(i, Math.min(text.length(), i + size)));
    }
    return out;
  }

  private static void event(StringBuilder events, JsonObject event) {
    events.append("data: ").append(event.encode()).append("\n\n");
  }

  private void stream(HttpServerResponse response, String events) {
    response.putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
    Promise<Void> gate = streamGate;
    if (gate == null) {
      response.end(events);
      return;
    }
    int first = events.indexOf("\n\n") + 2;
    response.setChunked(true).write(events.substring(0, first));
    gate.future().onComplete(v -> response.end(events.substring(first)));
  }

  private static void json(HttpServerResponse response, JsonObject body) {
    response.putHeader("Content-Type", "application/json").end(body.encode());
  }

  @Override
  public void close() throws Exception {
    Await.result(vertx.close());
  }
}
