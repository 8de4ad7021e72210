package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.Main;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code audit search --follow}: prints the newest page of matching events oldest first, then
 * polls every {@code interval} for events stored since and prints each once, as it arrives
 * (matches older than that first page's newest are not printed),
 * until the thread is interrupted (ctrl-C ends the process). Each poll re-reads
 * {@link AuditCommand#FOLLOW_OVERLAP} before the newest event printed, so events stored late by
 * another node are not skipped; events already printed are remembered for that long.
 *
 * <p>The tail's own polls are admin requests and therefore audit events too: an unfiltered tail
 * shows them.
 */
final class AuditTail {

  private final AdminConnection admin;
  private final AuditCommand.Filters filters;
  private final int limit;
  private final Duration interval;
  private final PrintWriter out;
  private final PrintWriter err;
  /** Printed events (node:seq) and their timestamps, within the overlap. */
  private final Map<String, Instant> printed = new HashMap<>();
  private Instant newest;
  /** The newest event of the first page: older ones left off that page are never printed later. */
  private Instant start;

  AuditTail(AdminConnection admin, AuditCommand.Filters filters, int limit, Duration interval, CommandSpec spec) {
    this.admin = admin;
    this.filters = filters;
    this.limit = limit;
    this.interval = interval;
    this.out = spec.commandLine().getOut();
    this.err = spec.commandLine().getErr();
  }

  /** Runs until interrupted; the exit code (0 when interrupted, 1 when the API refuses or fails). */
  int run() {
    List<JsonObject> first = page(filters.query());
    if (first == null) {
      return Main.EXIT_FAILED;
    }
    print(first);
    start = newest;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      List<JsonObject> fresh = newer();
      if (fresh == null) {
        return Thread.currentThread().isInterrupted() ? 0 : Main.EXIT_FAILED;
      }
      print(fresh);
    }
    return 0;
  }

  /** Every match stored since the newest printed event (less the overlap), following cursors. */
  private List<JsonObject> newer() {
    List<JsonObject> events = new ArrayList<>();
    String cursor = null;
    do {
      AuditCommand.Query query = newest == null ? filters.query()
          : filters.queryFrom(newest.minus(AuditCommand.FOLLOW_OVERLAP));
      JsonObject page = call(query.add("limit", Integer.toString(AuditCommand.EXPORT_PAGE)).add("cursor", cursor));
      if (page == null) {
        return null;
      }
      page.getJsonArray("events").forEach(event -> events.add((JsonObject) event));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    return events;
  }

  private List<JsonObject> page(AuditCommand.Query query) {
    JsonObject page = call(query.add("limit", Integer.toString(limit)));
    if (page == null) {
      return null;
    }
    List<JsonObject> events = new ArrayList<>();
    page.getJsonArray("events").forEach(event -> events.add((JsonObject) event));
    return events;
  }

  private JsonObject call(AuditCommand.Query query) {
    AdminConnection.Answer answer = admin.send("GET", "/audit" + query, null, AdminConnection.TIMEOUT, err);
    if (answer.response() == null) {
      return null;
    }
    if (!answer.succeeded()) {
      AdminConnection.refused(answer.response(), err);
      return null;
    }
    try {
      JsonObject page = new JsonObject(answer.response().body());
      if (page.getValue("events") instanceof JsonArray) {
        return page;
      }
    } catch (DecodeException | ClassCastException e) {
      // Reported below.
    }
    err.println("gatehouse: the admin API answered something other than a page of events");
    return null;
  }

  /** Prints the not yet printed events of a newest-first list, oldest first. */
  private void print(List<JsonObject> newestFirst) {
    List<JsonObject> events = new ArrayList<>(newestFirst);
    Collections.reverse(events);
    for (JsonObject event : events) {
      String key = event.getString("node_id") + ":" + event.getLong("seq");
      Instant ts = Instant.parse(event.getString("ts"));
      if ((start == null || !ts.isBefore(start)) && printed.putIfAbsent(key, ts) == null) {
        out.println(event.encode());
        if (newest == null || ts.isAfter(newest)) {
          newest = ts;
        }
      }
    }
    out.flush();
    if (newest != null) {
      Instant horizon = newest.minus(AuditCommand.FOLLOW_OVERLAP).minus(AuditCommand.FOLLOW_OVERLAP);
      printed.values().removeIf(ts -> ts.isBefore(horizon));
    }
  }
}
