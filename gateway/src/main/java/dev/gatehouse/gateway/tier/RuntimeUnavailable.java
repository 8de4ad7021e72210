package dev.gatehouse.gateway.tier;

import java.util.OptionalLong;

/**
 * No runtime can take the exchange now. The client gets a generic error with {@link #status()}
 * (and {@code Retry-After} when {@link #retryAfterSeconds()} is present); {@link #reason()} is the
 * audit reason key. Carries no stack trace: it is an expected outcome, not a fault.
 */
public final class RuntimeUnavailable extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The workspace's runtime is still starting after the request waited {@code runtime.startWait}. */
  public static final String STARTING = "runtime_starting";
  /** {@code runtime.maxRunning} runtimes are running and every one of them is in use. */
  public static final String CAPACITY = "runtime_capacity";
  /** The runtime failed to start or keeps dying; the next attempt is after a back-off. */
  public static final String FAILED = "runtime_failed";
  /** The runtime was stopped while the request waited (workspace locked or deleted, shutdown). */
  public static final String STOPPED = "runtime_stopped";
  /** No workspace, no runtime: an anonymous request when each workspace has a runtime of its own. */
  public static final String NOT_ASSIGNED = "runtime_not_assigned";

  private final String reason;
  private final int status;
  private final long retryAfterSeconds;

  private RuntimeUnavailable(String reason, int status, long retryAfterSeconds) {
    super(reason, null, false, false);
    this.reason = reason;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 503 with {@code Retry-After}. */
  public static RuntimeUnavailable retryLater(String reason, long retryAfterSeconds) {
    return new RuntimeUnavailable(reason, 503, Math.max(1, retryAfterSeconds));
  }

  /** 404: there is no runtime for this caller at all. */
  public static RuntimeUnavailable notAssigned() {
    return new RuntimeUnavailable(NOT_ASSIGNED, 404, -1);
  }

  public String reason() {
    return reason;
  }

  public int status() {
    return status;
  }

  public OptionalLong retryAfterSeconds() {
    return retryAfterSeconds < 0 ? OptionalLong.empty() : OptionalLong.of(retryAfterSeconds);
  }
}
