/**
 * Key provider SPI: wraps, unwraps and rewraps per-document data keys under a master key held
 * elsewhere (Vault/OpenBao Transit in production, a local keyring file in development), plus the
 * deployment configuration and profile rules that choose one.
 */
package dev.gatehouse.secrets.provider;
