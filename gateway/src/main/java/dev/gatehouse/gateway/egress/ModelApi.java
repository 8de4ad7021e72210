package dev.gatehouse.gateway.egress;

import io.vertx.core.http.HttpMethod;
import java.util.Optional;

/**
 * The provider API endpoints the egress listener forwards, each with its audit route id. The
 * listener's paths are the providers' own ({@code /v1/...}); a provider's configured base URL ends
 * in {@code /v1}, and the rest of the path is appended to it.
 */
public enum ModelApi {
  OPENAI_RESPONSES(Provider.OPENAI, HttpMethod.POST, "/v1/responses", "egress.openai.responses", true),
  OPENAI_CHAT_COMPLETIONS(Provider.OPENAI, HttpMethod.POST, "/v1/chat/completions", "egress.openai.chat_completions",
      true),
  OPENAI_EMBEDDINGS(Provider.OPENAI, HttpMethod.POST, "/v1/embeddings", "egress.openai.embeddings", true),
  OPENAI_MODELS(Provider.OPENAI, HttpMethod.GET, "/v1/models", "egress.openai.models", false),
  ANTHROPIC_MESSAGES(Provider.ANTHROPIC, HttpMethod.POST, "/v1/messages", "egress.anthropic.messages", true);

  static final String VERSION_PREFIX = "/v1";

  private final Provider provider;
  private final HttpMethod method;
  private final String path;
  private final String routeId;
  private final boolean metered;

  ModelApi(Provider provider, HttpMethod method, String path, String routeId, boolean metered) {
    this.provider = provider;
    this.method = method;
    this.path = path;
    this.routeId = routeId;
    this.metered = metered;
  }

  /** The endpoint of exactly {@code method} and {@code path} (no query), if the listener serves it. */
  static Optional<ModelApi> match(HttpMethod method, String path) {
    for (ModelApi api : values()) {
      if (api.method.equals(method) && api.path.equals(path)) {
        return Optional.of(api);
      }
    }
    return Optional.empty();
  }

  public Provider provider() {
    return provider;
  }

  public String path() {
    return path;
  }

  public String routeId() {
    return routeId;
  }

  /** Whether calls carry a model and count against budgets (listing models does not). */
  boolean metered() {
    return metered;
  }

  /** The path after {@code /v1}, appended to the provider's base URL. */
  String relativePath() {
    return path.substring(VERSION_PREFIX.length());
  }
}
