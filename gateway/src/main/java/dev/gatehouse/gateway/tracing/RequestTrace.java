package dev.gatehouse.gateway.tracing;

import io.vertx.core.MultiMap;
import java.util.Optional;

/**
 * The trace of one main-listener exchange: a span for the request, one child span per pipeline
 * stage (a stage lasts until the next one begins or the exchange ends) and one child span per call
 * to the runtime. With tracing off every exchange gets {@link #NONE}, which does nothing. Confined
 * to the exchange's event loop, except that {@link Upstream} may be ended from the proxy's.
 */
public interface RequestTrace {

  /** The trace of every exchange when tracing is off: nothing is recorded or propagated. */
  RequestTrace NONE = new RequestTrace() {
    @Override
    public void stage(String name) {}

    @Override
    public Upstream upstream() {
      return Upstream.NONE;
    }

    @Override
    public void end(String route, boolean allowed, String reason, int status) {}

    @Override
    public Optional<String> traceId() {
      return Optional.empty();
    }
  };

  /** Ends the current stage's span, if any, and starts the span of stage {@code name}. */
  void stage(String name);

  /** Starts the span of one call to the runtime. */
  Upstream upstream();

  /**
   * Ends the current stage and the request span, with the exchange's route id (or null), decision,
   * reason key and status (0 when none was sent). Only the first call counts.
   */
  void end(String route, boolean allowed, String reason, int status);

  /** The trace id (32 lowercase hex digits), when tracing is on. */
  Optional<String> traceId();

  /** The span of one call to the runtime. */
  interface Upstream {

    /** Does nothing. */
    Upstream NONE = new Upstream() {
      @Override
      public void inject(MultiMap headers) {}

      @Override
      public void end(int status, String failure) {}
    };

    /**
     * Replaces any {@code traceparent} and {@code tracestate} in the runtime-bound {@code headers}
     * with this span's context.
     */
    void inject(MultiMap headers);

    /** Ends the span: {@code status} of the runtime's answer, or 0 and the failure's reason key. */
    void end(int status, String failure);
  }
}
