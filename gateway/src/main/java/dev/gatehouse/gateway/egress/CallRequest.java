package dev.gatehouse.gateway.egress;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * What the egress listener needs from a metered call's JSON body: the model, whether it streams,
 * and its worst case in tokens. The body is forwarded as received, except that an OpenAI chat
 * completion that streams without {@code stream_options} gets {@code {"include_usage": true}}, so
 * that the provider reports the usage the call is settled on.
 *
 * <p><b>Worst case.</b> Output: the call's own limit ({@code max_output_tokens} for Responses,
 * {@code max_completion_tokens} or {@code max_tokens} for chat completions, {@code max_tokens}
 * for Anthropic Messages; none for embeddings), else the configured default. Input: an estimate
 * of one token per {@value #BYTES_PER_TOKEN} bytes of request body, rounded up; prompts of common
 * text tokenize to about four bytes per token, and the JSON around them only adds bytes, so the
 * estimate errs high for text.
 */
record CallRequest(String model, boolean stream, long inputEstimate, long maxOutput, Buffer body) {

  static final int BYTES_PER_TOKEN = 4;
  static final int MAX_MODEL_LENGTH = 128;

  /** The worst case reserved against token budgets. */
  long worstCaseTokens() {
    return inputEstimate + maxOutput;
  }

  /** Parses {@code raw}; empty when it is not a JSON object naming a model, or a limit is not a positive integer. */
  static Optional<CallRequest> parse(ModelApi api, Buffer raw, int defaultMaxTokens) {
    JsonObject json;
    try {
      json = raw.toJsonObject();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (json == null || !(json.getValue("model") instanceof String model) || model.isEmpty()
        || model.length() > MAX_MODEL_LENGTH) {
      return Optional.empty();
    }
    Object streamValue = json.getValue("stream");
    if (streamValue != null && !(streamValue instanceof Boolean)) {
      return Optional.empty();
    }
    boolean stream = Boolean.TRUE.equals(streamValue);
    Optional<Long> limit;
    try {
      limit = switch (api) {
        case OPENAI_RESPONSES -> positive(json, "max_output_tokens");
        case OPENAI_CHAT_COMPLETIONS -> positive(json, "max_completion_tokens").or(() -> positive(json, "max_tokens"));
        case ANTHROPIC_MESSAGES -> positive(json, "max_tokens");
        default -> Optional.of(0L);
      };
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Buffer body = raw;
    if (api == ModelApi.OPENAI_CHAT_COMPLETIONS && stream && !json.containsKey("stream_options")) {
      json.put("stream_options", new JsonObject().put("include_usage", true));
      body = json.toBuffer();
    }
    long input = (raw.length() + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
    return Optional.of(new CallRequest(model, stream, input, limit.orElse((long) defaultMaxTokens), body));
  }

  /**
   * The field's value if it is a positive integer, empty if absent.
   *
   * @throws IllegalArgumentException if it is present but not a positive integer
   */
  private static Optional<Long> positive(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() > 0) {
      return Optional.of(((Number) value).longValue());
    }
    throw new IllegalArgumentException(field);
  }
}
