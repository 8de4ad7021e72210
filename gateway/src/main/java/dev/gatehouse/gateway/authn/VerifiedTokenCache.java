package dev.gatehouse.gateway.authn;

import com.nimbusds.jose.jwk.JWK;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bounded LRU of tokens whose signature and claims verified, keyed by the SHA-256 of the token
 * (the token itself is not kept). It only saves the cryptography: callers re-check expiry,
 * revocation, workspace lock and key/issuer validity on every hit. Thread-safe.
 */
final class VerifiedTokenCache {

  /**
   * One verified token: who it speaks for and which key verified it. For an external issuer's
   * token, {@code source} is the registration it was verified under and {@code key} the key; both
   * are null for Gatehouse's own tokens (whose key is looked up by {@code kid}).
   */
  record Entry(Principal principal, String kid, IssuerRegistry.Registered source, JWK key) {}

  private final int capacity;
  private final Map<String, Entry> entries;

  VerifiedTokenCache(int capacity) {
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > VerifiedTokenCache.this.capacity;
      }
    };
  }

  /**
   * One SHA-256 instance per thread: looking the algorithm up on every call cost more than the
   * hash of a token. {@link MessageDigest#digest} resets it for the next call.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  });

  static String key(String token) {
    byte[] digest = SHA_256.get().digest(token.getBytes(StandardCharsets.US_ASCII));
    return Base64.getEncoder().encodeToString(digest);
  }

  synchronized Optional<Entry> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  synchronized void put(String key, Entry entry) {
    entries.put(key, entry);
  }

  synchronized void remove(String key) {
    entries.remove(key);
  }
}
