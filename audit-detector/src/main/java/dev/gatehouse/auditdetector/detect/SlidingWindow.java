package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.EventRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

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
  List<Entry> add(Entry entry, long windowMicros, int capacity) {
    entries.addLast(entry);
    List<Entry> removed = new ArrayList<>(0);
    while (entries.size() > capacity || entry.timeMicros() - entries.peekFirst().timeMicros() > windowMicros) {
      removed.add(entries.pollFirst());
    }
    return removed;
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
