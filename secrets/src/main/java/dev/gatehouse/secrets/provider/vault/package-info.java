/**
 * The {@code vault-transit} key provider: HashiCorp Vault / OpenBao Transit through the
 * vault-java-driver, pinned to KV-v1 path handling (driver bug #46), with this module's own TLS
 * client, timeouts, retry policy and token lifecycle.
 */
package dev.gatehouse.secrets.provider.vault;
