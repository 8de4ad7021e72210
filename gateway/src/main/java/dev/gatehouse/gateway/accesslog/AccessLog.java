package dev.gatehouse.gateway.accesslog;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.gatehouse.auditdetector.event.CredentialScrubber;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stamps every request with a fresh {@link RequestId} (request header for the upstream, response
 * header for the client) and writes one structured log line when it ends: listener, id, method,
 * path without query string, status, latency and bytes. Query strings are never logged and
 * credential-shaped path segments are redacted: both can carry credentials.
 */
public final class AccessLog {

  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  /** Outcome of an exchange whose response was written to the end. */
  public static final String COMPLETED = "completed";
  /** Outcome of an exchange whose connection closed before its response was complete. */
  public static final String ABORTED = "aborted";
  /** Longer paths are cut in the log line. */
  static final int MAX_LOGGED_PATH = 512;

  private AccessLog() {}

  /** Wraps a listener's handler; {@code listener} names it in the log ({@code main}, {@code admin}). */
  public static Handler<HttpServerRequest> around(String listener, Handler<HttpServerRequest> next) {
    return request -> {
      long started = System.nanoTime();
      String id = begin(request);
      whenDone(request, outcome -> log(listener, id, request, started, outcome));
      next.handle(request);
    };
  }

  /** Mints the request id, replaces any client-sent one, and stamps it on the response. */
  public static String begin(HttpServerRequest request) {
    String id = RequestId.next();
    request.headers().set(RequestId.HEADER, id);
    HttpServerResponse response = request.response();
    response.headersEndHandler(v -> response.headers().set(RequestId.HEADER, id));
    return id;
  }

  /**
   * Calls {@code done} exactly once when the exchange ends: with {@link #COMPLETED} when the
   * response was fully written, {@link #ABORTED} when the connection closed first.
   */
  public static void whenDone(HttpServerRequest request, Consumer<String> done) {
    HttpServerResponse response = request.response();
    // Vert.x calls the end handler also when the connection closes before the response ended,
    // and then the close handler: the first call decides, from whether the connection is gone.
    Handler<Void> once = new Handler<>() {
      private boolean called;

      @Override
      public void handle(Void ignored) {
        if (!called) {
          called = true;
          done.accept(response.closed() ? ABORTED : COMPLETED);
        }
      }
    };
    response.endHandler(once);
    response.closeHandler(once);
  }

  /** Writes the access log line for one finished exchange. */
  public static void log(String listener, String id, HttpServerRequest request, long started,
      String outcome) {
    log(listener, id, request, started, outcome, Optional.empty());
  }

  /** As {@link #log(String, String, HttpServerRequest, long, String)}, with the trace id, if any. */
  public static void log(String listener, String id, HttpServerRequest request, long started,
      String outcome, Optional<String> traceId) {
    HttpServerResponse response = request.response();
    String path = request.path() == null ? "" : CredentialScrubber.scrub(request.path());
    if (path.length() > MAX_LOGGED_PATH) {
      path = path.substring(0, MAX_LOGGED_PATH);
    }
    List<Object> fields = new ArrayList<>(List.of(
        outcome,
        kv("listener", listener),
        kv("requestId", id),
        kv("method", request.method().name()),
        kv("path", path),
        kv("status", ABORTED.equals(outcome) && !response.headWritten() ? null : response.getStatusCode()),
        kv("durationMs", (System.nanoTime() - started) / 1_000_000.0),
        kv("bytesIn", request.bytesRead()),
        kv("bytesOut", response.bytesWritten())));
    traceId.ifPresent(trace -> fields.add(kv("traceId", trace)));
    LOG.info("request {}", fields.toArray());
  }
}
