package dev.gatehouse.gateway.egress;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The egress listener's own refusals, in the error shape of the provider the client speaks to
 * (OpenAI: {@code {"error":{"message","type","param","code"}}}; Anthropic:
 * {@code {"type":"error","error":{"type","message"}}}), so its SDK surfaces them as provider
 * errors. Messages are fixed texts: never a key, a credential or a library's message.
 */
final class ProviderErrors {

  /** One refusal: HTTP status, provider error types and a fixed message. */
  enum Refusal {
    NOT_FOUND(404, "invalid_request_error", "not_found_error", "not_found", "unknown endpoint"),
    INVALID(400, "invalid_request_error", "invalid_request_error", "invalid_request", "invalid request"),
    TOO_LARGE(413, "invalid_request_error", "request_too_large", "request_too_large", "request too large"),
    CREDENTIAL(401, "invalid_request_error", "authentication_error", "invalid_api_key", "invalid egress credential"),
    LOCKED(403, "invalid_request_error", "permission_error", "workspace_locked", "workspace locked"),
    BUDGET(429, "insufficient_quota", "rate_limit_error", "budget_exceeded", "budget exceeded"),
    BUDGET_UNAVAILABLE(503, "server_error", "api_error", "budget_unavailable", "budget state unavailable; try again later"),
    NO_KEY(503, "server_error", "api_error", "provider_key_missing", "no provider key configured for this workspace"),
    UNREACHABLE(502, "server_error", "api_error", "provider_unreachable", "provider unreachable");

    final int status;
    final String openAiType;
    final String anthropicType;
    final String code;
    final String message;

    Refusal(int status, String openAiType, String anthropicType, String code, String message) {
      this.status = status;
      this.openAiType = openAiType;
      this.anthropicType = anthropicType;
      this.code = code;
      this.message = message;
    }
  }

  private ProviderErrors() {}

  /** Ends {@code response} with {@code refusal}; {@code detail} (a fixed text, e.g. the exceeded limit) is appended. */
  static void send(HttpServerResponse response, Provider provider, Refusal refusal, String detail) {
    String message = detail == null ? refusal.message : refusal.message + ": " + detail;
    JsonObject body = provider == Provider.ANTHROPIC
        ? new JsonObject().put("type", "error").put("error", new JsonObject().put("type", refusal.anthropicType)
            .put("message", message))
        : new JsonObject().put("error", new JsonObject().put("message", message).put("type", refusal.openAiType)
            .putNull("param").put("code", refusal.code));
    Buffer bytes = body.toBuffer();
    response.setStatusCode(refusal.status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(bytes);
  }
}
