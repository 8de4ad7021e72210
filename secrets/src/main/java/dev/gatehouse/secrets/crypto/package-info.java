/**
 * Primitives the formats are built from: AES-256-GCM through the JDK, HKDF-SHA256 through Bouncy
 * Castle (JDK 17 has none), and the length-prefixed encoding used for every AAD and MAC input.
 * Nothing here accepts a caller-supplied nonce.
 */
package dev.gatehouse.secrets.crypto;
