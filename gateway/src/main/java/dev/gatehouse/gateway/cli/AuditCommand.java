package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.Main;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse audit verify|search|export}: checks and reads the audit trail through the admin
 * API. {@code verify} prints {@code ok: N events verified} or names the first broken link and exits
 * 1. {@code search} prints one page of events as JSON lines, newest first. {@code export} pages
 * through every matching event and writes JSON lines to a file (written beside it and moved into
 * place only when complete) or to stdout, with a progress count on stderr.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Verify, search and export the audit trail through the admin API (a running `gatehouse serve`).",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Show.class, AuditCommand.Search.class,
        AuditCommand.Export.class},
    footer = {
        "",
        "Times are ISO-8601 with an offset, e.g. 2026-05-01T00:00:00Z; --from is inclusive, --to exclusive.",
        "--since 1h is the same as --from one hour ago (durations as elsewhere: 90s, 15m, 1h, 7d).",
        "",
        "Examples:",
        "  gatehouse audit verify",
        "  gatehouse audit verify --node gw-1 --from-seq 1000 --to-seq 2000",
        "  gatehouse audit show gw-1:4711                  (the node:seq form alert evidence uses)",
        "  gatehouse audit show 0b6f3c1e-...-uuid          (an event id)",
        "  gatehouse audit show --request-id 01HZ...       (every event of one request)",
        "  gatehouse audit search --workspace 5f0c...-uuid --decision deny --limit 50",
        "  gatehouse audit search --client 203.0.113.9 --reason unauthenticated --since 1h",
        "  gatehouse audit search --decision deny --follow",
        "  gatehouse audit export --from 2026-05-01T00:00:00Z --to 2026-05-02T00:00:00Z -o may-1.jsonl",
        "",
        "A token file holding an audit:read token may be used for search and export: they then",
        "return only that token's workspace.",
        "",
        "Exit codes: 0 success, 1 broken chain, refused or unreachable, 2 bad usage or missing token file."})
public final class AuditCommand implements Runnable {

  /** Verification reads a whole batch before answering; allow it this long. */
  static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(30);
  /** Sequence numbers verified per request by default: a progress line on stderr follows each. */
  static final long VERIFY_BATCH = 100_000;
  /** Largest --batch. */
  static final long MAX_VERIFY_BATCH = 10_000_000;
  /** Events fetched per request while exporting (the API's maximum page). */
  static final int EXPORT_PAGE = 1_000;
  /** A progress line is printed on stderr after every this many exported events. */
  static final int PROGRESS_EVERY = 10_000;
  /** Shortest and longest pause between two polls of {@code search --follow}. */
  static final Duration FOLLOW_MIN_INTERVAL = Duration.ofMillis(200);
  static final Duration FOLLOW_MAX_INTERVAL = Duration.ofMinutes(1);
  /**
   * How far back each poll of {@code --follow} looks before the newest event printed, so events
   * another node stored a little late are still printed (once: printed ones are remembered).
   */
  static final Duration FOLLOW_OVERLAP = Duration.ofSeconds(30);

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `audit verify`");
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Recompute the hash chain and check the signed checkpoints; exit 1 at the first broken link."
          + " Progress goes to stderr.")
  static final class Verify extends AdminCall {
    @Option(names = "--node", paramLabel = "NODE", description = "Only this node (default: every node).")
    String node;
    @Option(names = "--from", paramLabel = "TIME", description = "Events recorded at or after TIME.")
    String from;
    @Option(names = "--to", paramLabel = "TIME", description = "Events recorded before TIME.")
    String to;
    @Option(names = "--from-seq", paramLabel = "N", description = "First sequence number (needs --node).")
    Long fromSeq;
    @Option(names = "--to-seq", paramLabel = "N", description = "Last sequence number (needs --node).")
    Long toSeq;
    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + VERIFY_BATCH,
        description = "Sequence numbers verified per request, 1-" + MAX_VERIFY_BATCH + " (default: ${DEFAULT-VALUE}).")
    long batch;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (batch < 1 || batch > MAX_VERIFY_BATCH) {
        err.println("gatehouse: --batch must be between 1 and " + MAX_VERIFY_BATCH);
        return Main.EXIT_USAGE;
      }
      Query query = new Query().add("node", node).add("from", from).add("to", to)
          .add("fromSeq", fromSeq == null ? null : fromSeq.toString())
          .add("toSeq", toSeq == null ? null : toSeq.toString());
      JsonObject plan = get("/audit/verify/plan" + query, AdminConnection.TIMEOUT, err);
      if (plan == null) {
        return Main.EXIT_FAILED;
      }
      if (!(plan.getValue("nodes") instanceof JsonArray nodes)) {
        err.println("gatehouse: the admin API answered something other than a verification plan");
        return Main.EXIT_FAILED;
      }
      long total = 0;
      for (Object span : nodes) {
        total += ((JsonObject) span).getLong("toSeq") - ((JsonObject) span).getLong("fromSeq") + 1;
      }
      long done = 0;
      long events = 0;
      long checkpoints = 0;
      for (Object item : nodes) {
        JsonObject span = (JsonObject) item;
        for (long first = span.getLong("fromSeq"); first <= span.getLong("toSeq"); first += batch) {
          long last = Math.min(span.getLong("toSeq"), first + batch - 1);
          JsonObject report = get("/audit/verify" + new Query().add("node", span.getString("node"))
              .add("fromSeq", Long.toString(first)).add("toSeq", Long.toString(last)), VERIFY_TIMEOUT, err);
          if (report == null) {
            return Main.EXIT_FAILED;
          }
          if (!(report.getValue("ok") instanceof Boolean ok)) {
            err.println("gatehouse: the admin API answered something other than a verification report");
            return Main.EXIT_FAILED;
          }
          if (!ok) {
            JsonObject broken = report.getJsonObject("firstBroken");
            out.println("broken: node " + broken.getString("node") + " seq " + broken.getLong("seq") + ": "
                + broken.getString("kind") + " (" + broken.getString("detail") + ")");
            out.flush();
            return Main.EXIT_FAILED;
          }
          events += report.getLong("eventsChecked");
          checkpoints += report.getLong("checkpointsChecked");
          done += last - first + 1;
          err.println("gatehouse: verified " + done + " of " + total + " events (" + (done * 100 / total) + "%)");
          err.flush();
        }
      }
      out.println("ok: " + events + " events verified (" + checkpoints + " checkpoints, " + nodes.size() + " nodes)");
      out.flush();
      return 0;
    }

    /** The JSON object the admin API answered, or null after reporting why not. */
    private JsonObject get(String path, Duration timeout, PrintWriter err) {
      AdminConnection.Answer answer = admin.send("GET", path, null, timeout, err);
      if (answer.response() == null) {
        return null;
      }
      if (!answer.succeeded()) {
        AdminConnection.refused(answer.response(), err);
        return null;
      }
      JsonObject json = json(answer.response().body());
      if (json == null) {
        err.println("gatehouse: the admin API answered something other than JSON");
      }
      return json;
    }
  }

  /** The filter options shared by search and export. */
  static final class Filters {
    @Option(names = "--workspace", paramLabel = "ID")
    String workspace;
    @Option(names = "--subject", paramLabel = "S")
    String subject;
    @Option(names = "--jti", paramLabel = "JTI", description = "Token id.")
    String jti;
    @Option(names = "--decision", paramLabel = "allow|deny")
    String decision;
    @Option(names = "--route", paramLabel = "ROUTE_ID")
    String route;
    @Option(names = "--status", paramLabel = "CODE")
    Integer status;
    @Option(names = "--client", paramLabel = "ADDRESS", description = "Client IP address.")
    String client;
    @Option(names = "--reason", paramLabel = "REASON_KEY", description = "Reason key, e.g. unauthenticated.")
    String reason;
    @Option(names = "--request-id", paramLabel = "ID", description = "The gateway's request id (X-Request-Id).")
    String requestId;
    @Option(names = "--from", paramLabel = "TIME", description = "At or after TIME.")
    String from;
    @Option(names = "--since", paramLabel = "DURATION", converter = DurationOption.class,
        description = "At or after this long ago, e.g. 15m, 1h, 7d (instead of --from).")
    Duration since;
    @Option(names = "--to", paramLabel = "TIME", description = "Before TIME.")
    String to;

    private String sinceStart;

    /** Whether --from and --since were both given (reported on {@code err}): a usage error. */
    boolean conflicting(PrintWriter err) {
      if (since != null && from != null) {
        err.println("gatehouse: use either --from or --since, not both");
        return true;
      }
      return false;
    }

    /** The query of these filters; {@code --since} is resolved against the clock once, at the first call. */
    Query query() {
      if (since != null && sinceStart == null) {
        sinceStart = Instant.now().minus(since).toString();
      }
      return queryFrom(null);
    }

    /**
     * As {@link #query} (called before), starting at {@code later} instead when it is after the
     * --from/--since bound (or there is none).
     */
    Query queryFrom(Instant later) {
      String start = since == null ? from : sinceStart;
      if (later != null && (start == null || later.isAfter(parsedOrMin(start)))) {
        start = later.toString();
      }
      return new Query().add("workspace", workspace).add("subject", subject).add("jti", jti)
          .add("decision", decision).add("route", route).add("status", status == null ? null : status.toString())
          .add("client", client).add("reason", reason).add("requestId", requestId)
          .add("from", start).add("to", to);
    }
  }

  /** An ISO-8601 time, or the earliest instant when it does not parse (the API then refuses it). */
  private static Instant parsedOrMin(String time) {
    try {
      return OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      return Instant.MIN;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print one event, by node:seq (as alert evidence names it) or event id, as JSON;"
          + " or, with --request-id, every event of one request as JSON lines, oldest first.")
  static final class Show extends AdminCall {
    @CommandLine.Parameters(arity = "0..1", paramLabel = "NODE:SEQ|EVENT_ID")
    String ref;
    @Option(names = "--request-id", paramLabel = "ID", description = "The gateway's request id (X-Request-Id).")
    String requestId;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if ((ref == null) == (requestId == null)) {
        err.println("gatehouse: name one event (NODE:SEQ or EVENT_ID) or one request (--request-id)");
        return Main.EXIT_USAGE;
      }
      String path = ref != null ? "/audit/events/" + CliPaths.segment(ref)
          : "/audit/requests/" + CliPaths.segment(requestId);
      AdminConnection.Answer answer = admin.send("GET", path, null, AdminConnection.TIMEOUT, err);
      if (answer.response() == null) {
        return answer.exit();
      }
      if (!answer.succeeded()) {
        return AdminConnection.refused(answer.response(), err);
      }
      JsonObject json = json(answer.response().body());
      if (json == null) {
        err.println("gatehouse: the admin API answered something other than an event");
        return Main.EXIT_FAILED;
      }
      if (ref != null) {
        out.println(json.encode());
      } else if (json.getValue("events") instanceof JsonArray events) {
        events.forEach(event -> out.println(((JsonObject) event).encode()));
      } else {
        err.println("gatehouse: the admin API answered something other than a list of events");
        return Main.EXIT_FAILED;
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "search", mixinStandardHelpOptions = true,
      description = "Print one page of matching events as JSON lines, newest first.")
  static final class Search extends AdminCall {
    @CommandLine.Mixin
    Filters filters;
    @Option(names = "--limit", defaultValue = "100", paramLabel = "N", description = "Page size, 1-1000 (default: ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after a previous page.")
    String cursor;
    @Option(names = {"-f", "--follow"}, description = "Keep polling and print new events as they are stored,"
        + " oldest first, until interrupted (ctrl-C). Starts with the newest page (--limit) of the matches.")
    boolean follow;
    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationOption.class, defaultValue = "2s",
        description = "Pause between two polls of --follow, 200ms to 1m (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (filters.conflicting(err)) {
        return Main.EXIT_USAGE;
      }
      if (follow) {
        if (cursor != null || filters.to != null) {
          err.println("gatehouse: --follow takes neither --cursor nor --to");
          return Main.EXIT_USAGE;
        }
        if (interval.compareTo(FOLLOW_MIN_INTERVAL) < 0 || interval.compareTo(FOLLOW_MAX_INTERVAL) > 0) {
          err.println("gatehouse: --interval must be between 200ms and 1m");
          return Main.EXIT_USAGE;
        }
        return new AuditTail(admin, filters, limit, interval, spec).run();
      }
      Query query = filters.query().add("limit", Integer.toString(limit)).add("cursor", cursor);
      AdminConnection.Answer answer = admin.send("GET", "/audit" + query, null, AdminConnection.TIMEOUT, err);
      if (answer.response() == null) {
        return answer.exit();
      }
      if (!answer.succeeded()) {
        return AdminConnection.refused(answer.response(), err);
      }
      JsonObject page = json(answer.response().body());
      if (page == null || !(page.getValue("events") instanceof JsonArray events)) {
        err.println("gatehouse: the admin API answered something other than a page of events");
        return Main.EXIT_FAILED;
      }
      events.forEach(event -> out.println(((JsonObject) event).encode()));
      out.flush();
      String next = page.getString("nextCursor");
      if (next != null) {
        err.println("gatehouse: more events match; continue with --cursor " + next);
      }
      return 0;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write every matching event as JSON lines (newest first), page by page.")
  static final class Export extends AdminCall {
    @CommandLine.Mixin
    Filters filters;
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of stdout.")
    Path output;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      if (filters.conflicting(err)) {
        return Main.EXIT_USAGE;
      }
      Path partial = output == null ? null : output.resolveSibling(output.getFileName() + ".partial");
      long written;
      try (Writer sink = partial == null ? new NonClosing(spec.commandLine().getOut())
          : Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
        written = exportTo(sink, err);
      } catch (IOException e) {
        err.println("gatehouse: cannot write " + (output == null ? "stdout" : partial.toString()));
        written = -Main.EXIT_FAILED;
      }
      if (written < 0) {
        deleteQuietly(partial);
        return (int) -written;
      }
      if (partial != null) {
        try {
          Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          err.println("gatehouse: cannot move the export into place at " + output);
          deleteQuietly(partial);
          return Main.EXIT_FAILED;
        }
      }
      err.println("gatehouse: exported " + written + " events");
      err.flush();
      return 0;
    }

    /** Pages through the events; the count written, or minus the exit code of a failure. */
    private long exportTo(Writer sink, PrintWriter err) throws IOException {
      long written = 0;
      String cursor = null;
      do {
        Query query = filters.query().add("limit", Integer.toString(EXPORT_PAGE)).add("cursor", cursor);
        AdminConnection.Answer answer = admin.send("GET", "/audit" + query, null, AdminConnection.TIMEOUT, err);
        if (answer.response() == null) {
          return -answer.exit();
        }
        if (!answer.succeeded()) {
          return -AdminConnection.refused(answer.response(), err);
        }
        JsonObject page = json(answer.response().body());
        if (page == null || !(page.getValue("events") instanceof JsonArray events)) {
          err.println("gatehouse: the admin API answered something other than a page of events");
          return -Main.EXIT_FAILED;
        }
        for (Object event : events) {
          sink.write(((JsonObject) event).encode());
          sink.write('\n');
          if (++written % PROGRESS_EVERY == 0) {
            err.println("gatehouse: " + written + " events exported so far");
            err.flush();
          }
        }
        cursor = page.getString("nextCursor");
      } while (cursor != null);
      sink.flush();
      return written;
    }

    private static void deleteQuietly(Path partial) {
      if (partial != null) {
        try {
          Files.deleteIfExists(partial);
        } catch (IOException e) {
          // Nothing more to do: the failure itself was reported.
        }
      }
    }
  }

  /** Stdout for {@code export}: flushed, never closed. */
  private static final class NonClosing extends BufferedWriter {
    NonClosing(Writer out) {
      super(out);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  /** A query string of the given, non-null parameters, each value encoded. */
  static final class Query {
    private final List<String> pairs = new ArrayList<>();

    Query add(String name, String value) {
      if (value != null) {
        pairs.add(name + "=" + CliPaths.segment(value));
      }
      return this;
    }

    @Override
    public String toString() {
      return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
    }
  }

  private static JsonObject json(String body) {
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
