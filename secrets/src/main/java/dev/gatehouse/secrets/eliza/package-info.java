/**
 * elizaOS secret formats, read once for migration: 1.x "v1" (AES-256-CBC, no integrity) and
 * 2.0-alpha "v2" (AES-256-GCM, constant AAD), both keyed by SHA-256 of the runtime's SECRET_SALT.
 * These formats are accepted only by the explicit import path, never when opening a sealed
 * document.
 */
package dev.gatehouse.secrets.eliza;
