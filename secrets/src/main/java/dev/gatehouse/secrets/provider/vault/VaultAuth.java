package dev.gatehouse.secrets.provider.vault;

import dev.gatehouse.secrets.SecretValue;
import java.util.Objects;

/** How the provider authenticates to Vault. Credentials print as redacted. */
public sealed interface VaultAuth permits VaultAuth.Token, VaultAuth.AppRole {

    /**
     * A Vault token (from {@code VAULT_TOKEN}, an Agent sink, ...). Renewed at half its TTL when
     * renewable; the provider fails closed once it expires.
     */
    record Token(SecretValue token) implements VaultAuth {
        public Token {
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * AppRole login ({@code POST auth/<mount>/login}); the provider logs in again when the token
     * cannot be renewed or Vault answers 403.
     *
     * @param mount    auth mount path, {@value VaultTransitConfig#DEFAULT_APPROLE_MOUNT} by default
     * @param roleId   role id
     * @param secretId secret id
     */
    record AppRole(String mount, String roleId, SecretValue secretId) implements VaultAuth {
        public AppRole {
            Objects.requireNonNull(mount, "mount");
            Objects.requireNonNull(roleId, "roleId");
            Objects.requireNonNull(secretId, "secretId");
        }

        @Override
        public String toString() {
            return "AppRole[mount=" + mount + ", roleId=" + SecretValue.REDACTED + ", secretId=" + SecretValue.REDACTED + "]";
        }
    }
}
