package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.EventRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The events of one entity within a window that ends at the newest event, oldest first, holding
 * at most {@code capacity} events (the oldest beyond that are dropped first).
 */
final class SlidingWindow {

  /** One counted event. */
  record Entry(long timeMicros, EventRef ref, String value, long amount) {
  }

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();

  /** Appends an event, then removes what fell out of the window or beyond the capacity. */
  void add(Entry entry, long windowMicros, int capacity) {
    add(entry, windowMicros, capacity, null);
  }

  /** As {@link #add(Entry, long, int)}, handing each removed entry to {@code removed}. */
  void add(Entry entry, long windowMicros, int capacity, Consumer<Entry> removed) {
    entries.addLast(entry);
    while (entries.size() > capacity || entry.timeMicros() - entries.peekFirst().timeMicros() > windowMicros) {
      Entry gone = entries.pollFirst();
      if (removed != null) {
        removed.accept(gone);
      }
    }
  }

  void clear() {
    entries.clear();
  }

  int size() {
    return entries.size();
  }

  long firstMicros() {
    return entries.peekFirst().timeMicros();
  }

  /** The newest {@code max} references, oldest first. */
  List<EventRef> evidence(int max) {
    List<EventRef> newestFirst = new ArrayList<>(Math.min(max, entries.size()));
    Iterator<Entry> it = entries.descendingIterator();
    while (it.hasNext() && newestFirst.size() < max) {
      newestFirst.add(it.next().ref());
    }
    Collections.reverse(newestFirst);
    return newestFirst;
  }
}
