package dev.gatehouse.gateway.egress;

import java.util.Optional;

/** The provider APIs the egress listener speaks, by the id used in config, storage and audit. */
public enum Provider {
  /** The OpenAI API (and any server compatible with it): {@code Authorization: Bearer}. */
  OPENAI("openai"),
  /** Anthropic's Messages API: {@code x-api-key}. */
  ANTHROPIC("anthropic");

  private final String id;

  Provider(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<Provider> fromId(String id) {
    for (Provider p : values()) {
      if (p.id.equals(id)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
