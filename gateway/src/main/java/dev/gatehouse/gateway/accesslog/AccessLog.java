package dev.gatehouse.gateway.accesslog;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stamps every request with a fresh {@link RequestId} (request header for the upstream, response
 * header for the client) and writes one structured log line when it ends: listener, id, method,
 * path without query string, status, latency and bytes. Query strings are never logged: they
 * can carry credentials.
 */
public final class AccessLog {

  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  /** Longer paths are cut in the log line. */
  static final int MAX_LOGGED_PATH = 512;

  private AccessLog() {}

  /** Wraps a listener's handler; {@code listener} names it in the log ({@code main}, {@code admin}). */
  public static Handler<HttpServerRequest> around(String listener, Handler<HttpServerRequest> next) {
    return request -> {
      String id = RequestId.next();
      long started = System.nanoTime();
      request.headers().set(RequestId.HEADER, id);
      HttpServerResponse response = request.response();
      response.headersEndHandler(v -> response.headers().set(RequestId.HEADER, id));
      response.endHandler(v -> log(listener, id, request, started, "completed"));
      response.closeHandler(v -> {
        if (!response.ended()) {
          log(listener, id, request, started, "aborted");
        }
      });
      next.handle(request);
    };
  }

  private static void log(String listener, String id, HttpServerRequest request, long started,
      String outcome) {
    HttpServerResponse response = request.response();
    String path = request.path() == null ? "" : request.path();
    if (path.length() > MAX_LOGGED_PATH) {
      path = path.substring(0, MAX_LOGGED_PATH);
    }
    LOG.info("request {}", outcome,
        kv("listener", listener),
        kv("requestId", id),
        kv("method", request.method().name()),
        kv("path", path),
        kv("status", response.getStatusCode()),
        kv("durationMs", (System.nanoTime() - started) / 1_000_000.0),
        kv("bytesIn", request.bytesRead()),
        kv("bytesOut", response.bytesWritten()));
  }
}
