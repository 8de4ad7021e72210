package dev.gatehouse.gateway.server;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.blob.SecretBlobSealer;
import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviderConfig;
import dev.gatehouse.secrets.provider.KeyProviders;
import dev.gatehouse.secrets.provider.local.Keyring;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import dev.gatehouse.secrets.provider.vault.VaultTransitConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Clock;

/**
 * The node's key provider (secrets module), opened and closed off the event loop. With the
 * {@code local} provider a missing development keyring is created (0600) on first start; the
 * production profile refuses {@code local}. A refused or invalid provider configuration is a
 * {@link ConfigException} on {@code secrets.provider}, without the provider's detail.
 */
final class KeyProviderHandle {

  private final KeyProvider provider;

  private KeyProviderHandle(KeyProvider provider) {
    this.provider = provider;
  }

  static Future<KeyProviderHandle> open(Vertx vertx, GatewayConfig.Secrets secrets) {
    return vertx.executeBlocking(() -> {
      try {
        KeyProviderConfig config;
        if (GatewayConfig.Secrets.VAULT_TRANSIT.equals(secrets.provider())) {
          config = VaultTransitConfig.fromEnvironment(System.getenv(), secrets.vaultMount(), secrets.keyName());
        } else {
          if (!Files.exists(secrets.keyring())) {
            Keyring.create(secrets.keyring(), secrets.keyName(), Clock.systemUTC());
          }
          config = new LocalKeyringConfig(secrets.keyring(), secrets.keyName());
        }
        return new KeyProviderHandle(KeyProviders.open(secrets.profile(), config));
      } catch (SecretsConfigException e) {
        throw new ConfigException("secrets.provider", "refused: " + e.getMessage());
      }
    }, false);
  }

  /** Opens sealed characters deployed through the gateway (blocking: call off the event loop). */
  CharacterSealer characterSealer() {
    return new CharacterSealer(provider);
  }

  SecretBlobSealer blobSealer() {
    return new SecretBlobSealer(provider);
  }

  Future<Void> close(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      provider.close();
      return null;
    }, false);
  }
}
