package dev.gatehouse.gateway.crypto;

import java.util.Optional;

/** {@code tokens.cryptoProvider}: which JCA provider ES256 signatures may use. */
public enum CryptoProviderChoice {
  /** The native-backed provider where it loads and passes its self-test, else the JDK's. */
  AUTO("auto"),
  /** Always the JDK's provider. */
  JDK("jdk");

  private final String id;

  CryptoProviderChoice(String id) {
    this.id = id;
  }

  /** The configuration value. */
  public String id() {
    return id;
  }

  public static Optional<CryptoProviderChoice> fromId(String id) {
    for (CryptoProviderChoice choice : values()) {
      if (choice.id.equals(id)) {
        return Optional.of(choice);
      }
    }
    return Optional.empty();
  }
}
