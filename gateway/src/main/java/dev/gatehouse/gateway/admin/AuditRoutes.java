package dev.gatehouse.gateway.admin;

import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.query.AuditFilter;
import dev.gatehouse.auditdetector.query.AuditPage;
import dev.gatehouse.auditdetector.query.AuditQuery;
import dev.gatehouse.auditdetector.verify.BrokenLink;
import dev.gatehouse.auditdetector.verify.ChainVerifier;
import dev.gatehouse.auditdetector.verify.SequenceSpan;
import dev.gatehouse.auditdetector.verify.VerificationRange;
import dev.gatehouse.auditdetector.verify.VerificationReport;
import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /admin/v1/audit}: the audit trail, read-only.
 * <ul>
 *   <li>{@code GET ?workspace=&subject=&jti=&decision=allow|deny&route=&status=&client=&reason=&requestId=&from=&to=&cursor=&limit=}
 *       → {@code {"events":[...],"nextCursor":"..."|null}}, newest first, keyset-paginated ({@code limit}
 *       1..{@value AuditQuery#MAX_LIMIT}, default {@value AuditQuery#DEFAULT_LIMIT}; {@code from}
 *       inclusive and {@code to} exclusive, ISO-8601 with offset). Events are schema documents. A
 *       caller admitted with {@value #READ_SCOPE} sees only its own workspace's events, whatever
 *       workspace it asks for. {@code client} is a client IP literal, {@code reason} a reason key
 *       (e.g. a refusal reason such as {@code unauthenticated}), {@code requestId} the gateway's
 *       request id.</li>
 *   <li>{@code GET /events/{ref}}, {@code ref} either {@code node:seq} (the form alert evidence
 *       uses) or an event id → the one event, or 404.</li>
 *   <li>{@code GET /requests/{requestId}} → {@code {"events":[...]}}, every event of that request
 *       oldest first (an HTTP request has one, a socket several), or 404 when there is none.</li>
 *   <li>{@code GET /verify?node=&from=&to=} or {@code ?node=&fromSeq=&toSeq=} (full admin only) →
 *       {@code {"ok":bool,"eventsChecked":n,"checkpointsChecked":n,"nodes":[...],"firstBroken":
 *       {"node","seq","kind","detail"}|null}}; without {@code node}, every node is verified. 404
 *       for a node that recorded nothing.</li>
 *   <li>{@code GET /verify/plan} with the parameters of {@code /verify} (full admin only) →
 *       {@code {"nodes":[{"node","fromSeq","toSeq"}]}}: the sequence spans that verification would
 *       walk, so a client can verify them piece by piece ({@code ?node=&fromSeq=&toSeq=}) and
 *       report progress; nodes with nothing in the range are left out.</li>
 * </ul>
 * An unknown, repeated or malformed parameter (or cursor) is 400 {@code bad_request}; a database
 * failure is 503; a stored row that is no longer a valid event is 500 {@code audit_row_invalid}
 * (run verify to locate it).
 */
public final class AuditRoutes implements AdminRoutes {

  /** The search route; with the event and request lookups, all a {@value #READ_SCOPE} token may reach. */
  public static final String PATH = AdminApi.PREFIX + "/audit";
  private static final String EVENTS_PREFIX = PATH + "/events/";
  private static final String REQUESTS_PREFIX = PATH + "/requests/";
  static final String VERIFY_PATH = PATH + "/verify";
  static final String VERIFY_PLAN_PATH = VERIFY_PATH + "/plan";
  static final String EVENT_PATH = EVENTS_PREFIX + ":ref";
  static final String REQUEST_PATH = REQUESTS_PREFIX + ":requestId";
  /** Most events returned for one request id. */
  static final int MAX_REQUEST_EVENTS = 1_000;
  /** The scope that lets a workspace-bound Gatehouse token search its workspace's audit events. */
  public static final String READ_SCOPE = "audit:read";

  /** Query parameters of the search route; anything else is 400. */
  static final Set<String> SEARCH_PARAMETERS = Set.of("workspace", "subject", "jti", "decision", "route", "status",
      "client", "reason", "requestId", "from", "to", "cursor", "limit");
  /** Query parameters of the verify route. */
  static final Set<String> VERIFY_PARAMETERS = Set.of("node", "from", "to", "fromSeq", "toSeq");
  private static final Pattern UUID_PATTERN =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern POSITION_PATTERN = Pattern.compile("([^:]+):([0-9]{1,19})");

  private final AuditQuery query;
  private final ChainVerifier verifier;

  public AuditRoutes(AuditQuery query, ChainVerifier verifier) {
    this.query = query;
    this.verifier = verifier;
  }

  /** Whether {@code path} is one a workspace-bound {@value #READ_SCOPE} token may read: search or a lookup. */
  public static boolean readable(String path) {
    return PATH.equals(path) || oneSegmentUnder(EVENTS_PREFIX, path) || oneSegmentUnder(REQUESTS_PREFIX, path);
  }

  private static boolean oneSegmentUnder(String prefix, String path) {
    return path.startsWith(prefix) && path.length() > prefix.length() && path.indexOf('/', prefix.length()) < 0;
  }

  @Override
  public void mount(Router router) {
    router.get(VERIFY_PATH).handler(this::verify);
    router.get(VERIFY_PLAN_PATH).handler(this::verifyPlan);
    router.get(EVENT_PATH).handler(this::event);
    router.get(REQUEST_PATH).handler(this::request);
    router.get(PATH).handler(this::search);
  }

  private void search(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (access == null) {
      AdminReplies.error(ctx, ErrorBody.UNAUTHORIZED);
      return;
    }
    Future<AuditPage> page;
    try {
      Parameters p = new Parameters(ctx.queryParams(), SEARCH_PARAMETERS);
      AuditFilter filter = new AuditFilter(p.identifier("workspace"), p.identifier("subject"), p.identifier("jti"),
          p.decision("decision"), p.route("route"), p.status("status"), p.instant("from"), p.instant("to"))
          .withClientAndReason(p.pattern("client", AuditEvent.CLIENT_ADDRESS_PATTERN),
              p.pattern("reason", AuditEvent.REASON_KEY_PATTERN))
          .withRequestId(p.pattern("requestId", AuditEvent.REQUEST_ID_PATTERN));
      if (!access.full()) {
        filter = filter.restrictedTo(access.auditWorkspace());
      }
      page = query.search(filter, p.text("cursor"), (int) p.number("limit", 1, AuditQuery.MAX_LIMIT, 0));
    } catch (IllegalArgumentException e) {
      AdminReplies.error(ctx, ErrorBody.BAD_REQUEST);
      return;
    }
    page.onComplete(done -> {
      if (done.succeeded()) {
        AdminReplies.json(ctx, 200, new JsonObject()
            .put("events", new JsonArray(List.copyOf(done.result().events())))
            .put("nextCursor", done.result().nextCursor().orElse(null)));
      } else {
        failed(ctx, done.cause());
      }
    });
  }

  /** One event by {@code node:seq} or event id; another workspace's event is as missing as none. */
  private void event(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (!reader(access)) {
      AdminReplies.error(ctx, ErrorBody.UNAUTHORIZED);
      return;
    }
    String ref = ctx.pathParam("ref");
    AuditFilter filter;
    try {
      filter = confined(lookup(ref == null ? "" : ref), access);
    } catch (IllegalArgumentException e) {
      AdminReplies.error(ctx, ErrorBody.BAD_REQUEST);
      return;
    }
    query.search(filter, null, 1).onComplete(done -> {
      if (done.failed()) {
        failed(ctx, done.cause());
      } else if (done.result().events().isEmpty()) {
        AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      } else {
        AdminReplies.json(ctx, 200, done.result().events().get(0));
      }
    });
  }

  /** Every event of one request, oldest first; none visible to the caller is 404. */
  private void request(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (!reader(access)) {
      AdminReplies.error(ctx, ErrorBody.UNAUTHORIZED);
      return;
    }
    String requestId = ctx.pathParam("requestId");
    if (requestId == null || !AuditEvent.REQUEST_ID_PATTERN.matcher(requestId).matches()) {
      AdminReplies.error(ctx, ErrorBody.BAD_REQUEST);
      return;
    }
    query.search(confined(AuditFilter.ALL.withRequestId(requestId), access), null, MAX_REQUEST_EVENTS)
        .onComplete(done -> {
          if (done.failed()) {
            failed(ctx, done.cause());
          } else if (done.result().events().isEmpty()) {
            AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
          } else {
            List<JsonObject> events = new ArrayList<>(done.result().events());
            Collections.reverse(events);
            AdminReplies.json(ctx, 200, new JsonObject().put("events", new JsonArray(List.copyOf(events))));
          }
        });
  }

  /** The filter selecting {@code ref}: {@code node:seq} or an event id. */
  static AuditFilter lookup(String ref) {
    if (UUID_PATTERN.matcher(ref).matches()) {
      return AuditFilter.ALL.withEventId(UUID.fromString(ref));
    }
    Matcher position = POSITION_PATTERN.matcher(ref);
    if (!position.matches()) {
      throw new IllegalArgumentException("neither node:seq nor an event id");
    }
    ChainedEvent.requireNodeId(position.group(1));
    long seq = Long.parseLong(position.group(2));
    if (seq < 1) {
      throw new IllegalArgumentException("sequence numbers start at 1");
    }
    return AuditFilter.ALL.withPosition(position.group(1), seq);
  }

  private static boolean reader(AdminAuthenticator.Access access) {
    return access != null && (access.full() || access.grants(READ_SCOPE));
  }

  private static AuditFilter confined(AuditFilter filter, AdminAuthenticator.Access access) {
    return access.full() ? filter : filter.restrictedTo(access.auditWorkspace());
  }

  private void verify(RoutingContext ctx) {
    VerifyRequest request = verifyRequest(ctx);
    if (request == null) {
      return;
    }
    String node = request.node();
    VerificationRange range = request.range();
    Future<List<VerificationReport>> reports = node == null ? verifier.verifyAll(range)
        : verifier.nodes().compose(nodes -> nodes.contains(node)
            ? verifier.verify(node, range).map(List::of) : Future.succeededFuture(null));
    reports.onComplete(done -> {
      if (done.failed()) {
        failed(ctx, done.cause());
      } else if (done.result() == null) {
        AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      } else {
        AdminReplies.json(ctx, 200, verification(done.result()));
      }
    });
  }

  /** The sequence spans a verification with the same parameters would walk, node by node. */
  private void verifyPlan(RoutingContext ctx) {
    VerifyRequest request = verifyRequest(ctx);
    if (request == null) {
      return;
    }
    verifier.nodes().compose(nodes -> {
      if (request.node() != null && !nodes.contains(request.node())) {
        return Future.succeededFuture((JsonArray) null);
      }
      List<String> chosen = request.node() == null ? nodes : List.of(request.node());
      List<Future<Optional<SequenceSpan>>> spans = new ArrayList<>();
      chosen.forEach(node -> spans.add(verifier.span(node, request.range())));
      return Future.all(spans).map(all -> {
        JsonArray planned = new JsonArray();
        for (int i = 0; i < chosen.size(); i++) {
          String node = chosen.get(i);
          spans.get(i).result().ifPresent(span -> planned.add(new JsonObject().put("node", node)
              .put("fromSeq", span.first()).put("toSeq", span.last())));
        }
        return planned;
      });
    }).onComplete(done -> {
      if (done.failed()) {
        failed(ctx, done.cause());
      } else if (done.result() == null) {
        AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      } else {
        AdminReplies.json(ctx, 200, new JsonObject().put("nodes", done.result()));
      }
    });
  }

  /** A verification's node (or null: every node) and range. */
  private record VerifyRequest(String node, VerificationRange range) {}

  /** The verify parameters, or null after answering 401 or 400. */
  private static VerifyRequest verifyRequest(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (access == null || !access.full()) {
      AdminReplies.error(ctx, ErrorBody.UNAUTHORIZED);
      return null;
    }
    try {
      Parameters p = new Parameters(ctx.queryParams(), VERIFY_PARAMETERS);
      String node = p.text("node");
      if (node != null) {
        ChainedEvent.requireNodeId(node);
      }
      Long fromSeq = p.sequence("fromSeq");
      Long toSeq = p.sequence("toSeq");
      Instant from = p.instant("from");
      Instant to = p.instant("to");
      if ((fromSeq != null || toSeq != null) && node == null) {
        throw new IllegalArgumentException("a sequence range needs a node");
      }
      return new VerifyRequest(node, new VerificationRange(fromSeq, toSeq, from, to));
    } catch (IllegalArgumentException e) {
      AdminReplies.error(ctx, ErrorBody.BAD_REQUEST);
      return null;
    }
  }

  private static JsonObject verification(List<VerificationReport> reports) {
    JsonArray nodes = new JsonArray();
    long events = 0;
    long checkpoints = 0;
    for (VerificationReport report : reports) {
      events += report.eventsChecked();
      checkpoints += report.checkpointsChecked();
      nodes.add(new JsonObject()
          .put("node", report.nodeId())
          .put("fromSeq", report.fromSeq())
          .put("toSeq", report.toSeq())
          .put("eventsChecked", report.eventsChecked())
          .put("checkpointsChecked", report.checkpointsChecked())
          .put("ok", report.intact())
          .put("brokenLink", report.brokenLink().map(link -> link(report.nodeId(), link)).orElse(null)));
    }
    JsonObject firstBroken = reports.stream()
        .filter(report -> !report.intact())
        .min(Comparator.comparing(VerificationReport::nodeId))
        .map(report -> link(report.nodeId(), report.brokenLink().orElseThrow()))
        .orElse(null);
    return new JsonObject()
        .put("ok", firstBroken == null)
        .put("eventsChecked", events)
        .put("checkpointsChecked", checkpoints)
        .put("nodes", nodes)
        .put("firstBroken", firstBroken);
  }

  private static JsonObject link(String node, BrokenLink link) {
    return new JsonObject().put("node", node).put("seq", link.seq()).put("kind", link.kind().name())
        .put("detail", link.detail());
  }

  private static void failed(RoutingContext ctx, Throwable failure) {
    if (failure instanceof IllegalArgumentException) {
      // A stored row no longer parses as an event: tampering or corruption, never the caller's fault.
      AdminReplies.refuse(ctx, 500, "audit_row_invalid");
    } else {
      AdminReplies.unavailable(ctx, failure);
    }
  }

  /**
   * Query parameters, strictly: only known names, each at most once; every accessor throws
   * {@link IllegalArgumentException} for a malformed value and returns null when absent.
   */
  private static final class Parameters {

    private final MultiMap params;

    Parameters(MultiMap params, Set<String> allowed) {
      for (String name : params.names()) {
        if (!allowed.contains(name) || params.getAll(name).size() != 1) {
          throw new IllegalArgumentException("unknown or repeated parameter");
        }
      }
      this.params = params;
    }

    String text(String name) {
      String value = params.get(name);
      if (value != null && value.isEmpty()) {
        throw new IllegalArgumentException("empty parameter");
      }
      return value;
    }

    String identifier(String name) {
      String value = text(name);
      if (value != null && (value.codePointCount(0, value.length()) > AuditEvent.IDENTIFIER_MAX_LENGTH
          || value.chars().anyMatch(Character::isISOControl))) {
        throw new IllegalArgumentException("invalid identifier");
      }
      return value;
    }

    String pattern(String name, Pattern pattern) {
      String value = text(name);
      if (value != null && !pattern.matcher(value).matches()) {
        throw new IllegalArgumentException("invalid " + name);
      }
      return value;
    }

    String route(String name) {
      String value = text(name);
      if (value != null && !AuditEvent.ROUTE_ID_PATTERN.matcher(value).matches()) {
        throw new IllegalArgumentException("invalid route id");
      }
      return value;
    }

    Decision decision(String name) {
      String value = text(name);
      return value == null ? null : Decision.fromWireName(value);
    }

    Integer status(String name) {
      return params.get(name) == null ? null
          : (int) number(name, AuditEvent.MIN_STATUS, AuditEvent.MAX_STATUS, 0);
    }

    Long sequence(String name) {
      return params.get(name) == null ? null : number(name, 1, Long.MAX_VALUE, 0);
    }

    /** A decimal integer in {@code [min, max]}, or {@code absent}. */
    long number(String name, long min, long max, long absent) {
      String value = text(name);
      if (value == null) {
        return absent;
      }
      if (!value.matches("[0-9]{1,19}")) {
        throw new IllegalArgumentException("not a number");
      }
      long number = Long.parseLong(value);
      if (number < min || number > max) {
        throw new IllegalArgumentException("out of range");
      }
      return number;
    }

    /** ISO-8601 date-time with an offset, e.g. {@code 2026-05-01T12:00:00Z}. */
    Instant instant(String name) {
      String value = text(name);
      try {
        return value == null ? null : OffsetDateTime.parse(value).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not an ISO-8601 date-time", e);
      }
    }
  }
}
