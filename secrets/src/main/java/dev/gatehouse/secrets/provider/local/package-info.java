/**
 * The {@code local} development key provider: a 0600 keyring file of versioned master keys, with
 * per-context wrapping keys derived by HKDF. Refused by the production profile.
 */
package dev.gatehouse.secrets.provider.local;
