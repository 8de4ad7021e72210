package dev.gatehouse.gateway.pipeline;

import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.policy.RouteMatch;
import dev.gatehouse.gateway.tier.RuntimeLease;
import dev.gatehouse.gateway.tracing.RequestTrace;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway decided about one request, filled in stage by stage and read once when the
 * exchange ends (access log and audit). Confined to the connection's event loop.
 */
public final class Exchange {

  /** Reason key of a request that passed every stage. */
  public static final String ALLOWED = "allowed";
  /**
   * Reason key of an allowed request whose client closed its connection before the answer ended
   * (the runtime was still answering, or the answer was still being sent): neither a refusal nor
   * an upstream failure.
   */
  public static final String CLIENT_CLOSED = "client_closed";

  private final String requestId;
  private final long startedNanos;
  private final String method;
  private final String userAgent;
  private String clientAddress;
  private Optional<RouteMatch> route = Optional.empty();
  private Optional<Principal> principal = Optional.empty();
  private boolean bySession;
  private Map<String, String> boundResources = Map.of();
  private boolean allowed;
  private String reason = "incomplete";
  private boolean finished;
  private boolean unanswered;
  private RuntimeLease runtime;
  private RequestTrace trace = RequestTrace.NONE;

  Exchange(String requestId, long startedNanos, String method, String userAgent, String clientAddress) {
    this.requestId = requestId;
    this.startedNanos = startedNanos;
    this.method = method;
    this.userAgent = userAgent;
    this.clientAddress = clientAddress;
  }

  void trace(RequestTrace requestTrace) {
    this.trace = requestTrace;
  }

  /** The exchange's trace ({@link RequestTrace#NONE} when tracing is off). */
  public RequestTrace trace() {
    return trace;
  }

  void clientAddress(String address) {
    this.clientAddress = address;
  }

  void route(Optional<RouteMatch> match) {
    this.route = match;
  }

  void principal(Optional<Principal> who) {
    this.principal = who;
  }

  /** The request is authenticated by a browser session's cookie, not a bearer token. */
  void bySession() {
    this.bySession = true;
  }

  boolean viaSession() {
    return bySession;
  }

  void boundResources(Map<String, String> ids) {
    this.boundResources = Map.copyOf(ids);
  }

  void allow() {
    this.allowed = true;
    this.reason = ALLOWED;
  }

  void deny(String reasonKey) {
    this.allowed = false;
    this.reason = reasonKey;
  }

  /** The request was allowed but the runtime never answered: the decision stays allow, the reason says why. */
  void upstreamFailed(String reasonKey) {
    this.reason = reasonKey;
  }

  /**
   * The client closed its connection before the answer ended. An allowed exchange takes the
   * reason {@link #CLIENT_CLOSED}; a refusal keeps its own. {@code answerStarted}: whether the
   * answer's status line had been written by then.
   */
  void closedByClient(boolean answerStarted) {
    unanswered = !answerStarted;
    if (allowed) {
      reason = CLIENT_CLOSED;
    }
  }

  /** Whether the client left before the answer's status line was written: no status was sent. */
  public boolean unanswered() {
    return unanswered;
  }

  /**
   * Holds the lease on the exchange's runtime until the exchange ends; false (nothing held) when
   * it has already ended.
   */
  boolean hold(RuntimeLease lease) {
    if (finished) {
      return false;
    }
    runtime = lease;
    return true;
  }

  /**
   * The runtime was restarted under the exchange, which now holds {@code lease} (the old one is
   * released); released at once when the exchange has already ended. Called on the exchange's
   * event loop.
   */
  void renewed(RuntimeLease lease) {
    if (finished) {
      lease.release();
    } else {
      runtime = lease;
    }
  }

  /** Releases the runtime lease, if any. */
  void releaseRuntime() {
    if (runtime != null) {
      runtime.release();
      runtime = null;
    }
  }

  /** True the first time only: the exchange's log line and audit event are written once. */
  boolean finish() {
    if (finished) {
      return false;
    }
    finished = true;
    return true;
  }

  public String requestId() {
    return requestId;
  }

  public long startedNanos() {
    return startedNanos;
  }

  public String method() {
    return method;
  }

  public String userAgent() {
    return userAgent;
  }

  public String clientAddress() {
    return clientAddress;
  }

  public Optional<RouteMatch> route() {
    return route;
  }

  public Optional<Principal> principal() {
    return principal;
  }

  /** Resource ids the isolation stage checked beyond the path (query and body fields, deployed agent). */
  public Map<String, String> boundResources() {
    return boundResources;
  }

  public boolean allowed() {
    return allowed;
  }

  /**
   * Stable reason key: {@value #ALLOWED}, the refusing stage's key, or, for an allowed request
   * the runtime did not answer, the proxy's upstream failure key.
   */
  public String reason() {
    return reason;
  }
}
