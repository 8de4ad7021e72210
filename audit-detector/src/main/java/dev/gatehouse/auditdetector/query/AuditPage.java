package dev.gatehouse.auditdetector.query;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * One page of search results, newest first.
 *
 * @param events the events as schema documents ({@code ChainedEvent.toJson()})
 * @param nextCursor opaque cursor for the next page; empty on the last page
 */
public record AuditPage(List<JsonObject> events, Optional<String> nextCursor) {

  /** Copies the list. */
  public AuditPage {
    events = List.copyOf(events);
  }
}
