package dev.gatehouse.gateway.egress;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the usage a provider reports while its answer passes through, without holding the answer
 * back: a JSON body (kept up to {@value #MAX_KEPT_BYTES} bytes and read at the end) or a stream of
 * server-sent events (read line by line as they pass). A usage object is found under
 * {@code usage}, {@code response.usage} (Responses API events) or {@code message.usage}
 * (Anthropic's {@code message_start}); input is {@code input_tokens} or {@code prompt_tokens}
 * (plus Anthropic's cache tokens), output {@code output_tokens} or {@code completion_tokens}.
 * The latest value of each wins, so Anthropic's {@code message_delta} (cumulative output) settles
 * a stream that {@code message_start} opened.
 */
final class UsageReader {

  /** Longest body or event line read for usage; longer ones are passed on unread. */
  static final int MAX_KEPT_BYTES = 4 * 1024 * 1024;

  private final boolean events;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private boolean overflow;
  private long tokensIn = -1;
  private long tokensOut = -1;

  UsageReader(String contentType) {
    this.events = contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream");
  }

  void feed(Buffer chunk) {
    byte[] bytes = chunk.getBytes();
    if (!events) {
      keep(bytes, 0, bytes.length);
      return;
    }
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        keep(bytes, start, i - start);
        line();
        start = i + 1;
      }
    }
    keep(bytes, start, bytes.length - start);
  }

  /** Call once the answer is complete. */
  void end() {
    if (events) {
      line();
    } else if (!overflow && pending.size() > 0) {
      read(pending.toString(StandardCharsets.UTF_8));
    }
  }

  /** Whether the provider reported any usage. */
  boolean reported() {
    return tokensIn >= 0 || tokensOut >= 0;
  }

  long tokensIn() {
    return Math.max(0, tokensIn);
  }

  long tokensOut() {
    return Math.max(0, tokensOut);
  }

  private void keep(byte[] bytes, int offset, int length) {
    if (overflow || length == 0) {
      return;
    }
    if (pending.size() + length > MAX_KEPT_BYTES) {
      overflow = true;
      pending.reset();
      return;
    }
    pending.write(bytes, offset, length);
  }

  private void line() {
    if (!overflow) {
      String text = pending.toString(StandardCharsets.UTF_8).strip();
      if (text.startsWith("data:")) {
        read(text.substring("data:".length()).strip());
      }
    }
    pending.reset();
    overflow = false;
  }

  private void read(String json) {
    if (!json.startsWith("{") || !json.contains("_tokens")) {
      return;
    }
    JsonObject body;
    try {
      body = new JsonObject(json);
    } catch (RuntimeException e) {
      return;
    }
    take(body.getValue("usage"));
    if (body.getValue("response") instanceof JsonObject response) {
      take(response.getValue("usage"));
    }
    if (body.getValue("message") instanceof JsonObject message) {
      take(message.getValue("usage"));
    }
  }

  private void take(Object value) {
    if (!(value instanceof JsonObject usage)) {
      return;
    }
    long in = count(usage, "input_tokens");
    if (in < 0) {
      in = count(usage, "prompt_tokens");
    }
    if (in >= 0) {
      tokensIn = in + Math.max(0, count(usage, "cache_creation_input_tokens"))
          + Math.max(0, count(usage, "cache_read_input_tokens"));
    }
    long out = count(usage, "output_tokens");
    if (out < 0) {
      out = count(usage, "completion_tokens");
    }
    if (out >= 0) {
      tokensOut = out;
    }
  }

  private static long count(JsonObject usage, String field) {
    return usage.getValue(field) instanceof Number n && n.longValue() >= 0 ? n.longValue() : -1;
  }
}
