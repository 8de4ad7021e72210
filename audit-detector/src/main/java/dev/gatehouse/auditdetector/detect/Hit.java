package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.EventRef;
import java.util.List;

/** A rule's threshold crossed for one entity, before de-duplication. */
record Hit(long firstMicros, long lastMicros, long value, List<EventRef> evidence) {
}
