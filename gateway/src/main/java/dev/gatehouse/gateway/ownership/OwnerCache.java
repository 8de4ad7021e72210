package dev.gatehouse.gateway.ownership;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bounded LRU of ownership lookups, {@code kind:id} to the owning workspace or "nobody".
 * Thread-safe. An entry for "nobody" may go stale when another node claims the id; the registry
 * evicts it on that node's change-feed message and never stores one while the feed is down.
 */
final class OwnerCache {

  private final int capacity;
  private final Map<String, Optional<String>> entries;

  OwnerCache(int capacity) {
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
        return size() > OwnerCache.this.capacity;
      }
    };
  }

  static String key(ResourceKind kind, String id) {
    return kind.key() + ":" + id;
  }

  /** Empty when not cached; otherwise the owner, itself empty for "nobody". */
  synchronized Optional<Optional<String>> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  synchronized void put(String key, Optional<String> owner) {
    entries.put(key, owner);
  }

  synchronized void remove(String key) {
    entries.remove(key);
  }

  synchronized void clear() {
    entries.clear();
  }
}
