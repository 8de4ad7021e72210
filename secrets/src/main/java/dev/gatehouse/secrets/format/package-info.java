/**
 * The sealed character format {@code ghs:v1} (documented byte for byte in the module README):
 * per-value AES-256-GCM under a per-document data key, AAD binding format, character id, JSON
 * Pointer and data key id, a key commitment and a document MAC. Entry point: {@link
 * dev.gatehouse.secrets.format.CharacterSealer}.
 */
package dev.gatehouse.secrets.format;
