/**
 * Standalone sealed blobs: one secret (for example the gateway's private signing JWK) sealed by
 * the configured key provider and bound to a name.
 */
package dev.gatehouse.secrets.blob;
