package dev.gatehouse.auditdetector.detect;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One rule's per-entity state, bounded two ways: at most {@code capacity} entities (least recently
 * touched evicted first, counted) and no entity kept longer than {@code idleMicros} of event time
 * after it was last touched. Events arrive in event-time order, so access order is time order and
 * idle eviction only looks at the head.
 */
final class EntityTable<S> {

  private final int capacity;
  private final long idleMicros;
  private final LinkedHashMap<String, Slot<S>> slots = new LinkedHashMap<>(16, 0.75f, true);
  private long evicted;

  private static final class Slot<S> {
    final S state;
    long touchedMicros;

    Slot(S state) {
      this.state = state;
    }
  }

  EntityTable(int capacity, long idleMicros) {
    this.capacity = capacity;
    this.idleMicros = idleMicros;
  }

  /** The entity's state, created if absent, marked as touched at {@code nowMicros}. */
  S touch(String entity, long nowMicros, Supplier<S> create) {
    Slot<S> slot = slots.get(entity);
    if (slot == null) {
      if (slots.size() >= capacity) {
        Iterator<Slot<S>> eldest = slots.values().iterator();
        eldest.next();
        eldest.remove();
        evicted++;
      }
      slot = new Slot<>(create.get());
      slots.put(entity, slot);
    }
    slot.touchedMicros = nowMicros;
    return slot.state;
  }

  /** Forgets entities not touched since {@code nowMicros - idleMicros}. */
  void evictIdle(long nowMicros) {
    Iterator<Map.Entry<String, Slot<S>>> it = slots.entrySet().iterator();
    while (it.hasNext() && nowMicros - it.next().getValue().touchedMicros > idleMicros) {
      it.remove();
    }
  }

  int size() {
    return slots.size();
  }

  long evicted() {
    return evicted;
  }
}
