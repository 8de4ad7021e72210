package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.accesslog.RequestId;
import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.limit.BodyLimit;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the client's body to the runtime through a {@link BodyLimit#capped} view. When the
 * body grows past the cap, the runtime never sees a complete request: the bytes over the cap are
 * not sent, the request to the runtime is reset (so a chunked body never gets its last chunk),
 * and the exchange's listener is told. The client then gets 413 {@code payload_too_large} if its
 * response has not started, and in every case its connection is closed, so the rest of the body
 * is never read. Not applied to WebSocket upgrades, which carry no body. A body that a
 * {@link ForwardPlan} substitutes later in the chain (already read and capped by the isolation
 * stage) replaces the capped view and is not counted.
 */
final class BodyLimitInterceptor implements ProxyInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(BodyLimitInterceptor.class);
  private static final String OVER_LIMIT = "gatehouse.body-over-limit";
  private static final MediaType JSON = MediaType.parse(ErrorBody.CONTENT_TYPE);

  private final BodyLimit limit;
  /**
   * Listeners handed over by {@link UpstreamProxy#handle}; the interceptor chain runs
   * synchronously inside {@code HttpProxy.handle}, so each entry is taken before that call
   * returns, and removed by it in any case.
   */
  private final Map<HttpServerRequest, Runnable> listeners = new ConcurrentHashMap<>();

  BodyLimitInterceptor(BodyLimit limit) {
    this.limit = limit;
  }

  void offer(HttpServerRequest request, Runnable onOverLimit) {
    listeners.put(request, onOverLimit);
  }

  void withdraw(HttpServerRequest request) {
    listeners.remove(request);
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    ProxyRequest request = context.request();
    HttpServerRequest client = request.proxiedRequest();
    Runnable listener = listeners.remove(client);
    Body body = request.getBody();
    if (body != null) {
      request.setBody(Body.body(limit.capped(body.stream(), () -> overLimit(context, client, listener)),
          body.length(), body.mediaType()));
    }
    return context.sendRequest().recover(failure -> context.get(OVER_LIMIT, Boolean.class) != null
        ? Future.succeededFuture(request.release().response())
        : Future.failedFuture(failure));
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext context) {
    if (context.get(OVER_LIMIT, Boolean.class) == null) {
      return context.sendResponse();
    }
    HttpServerRequest client = context.request().proxiedRequest();
    context.response().release()
        .setStatusCode(ErrorBody.PAYLOAD_TOO_LARGE.status())
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .putHeader(HttpHeaders.CACHE_CONTROL, ErrorBody.NO_STORE)
        .setBody(Body.body(ErrorBody.PAYLOAD_TOO_LARGE.body(), JSON));
    return context.sendResponse().andThen(sent -> client.connection().close());
  }

  private void overLimit(ProxyContext context, HttpServerRequest client, Runnable listener) {
    context.set(OVER_LIMIT, Boolean.TRUE);
    if (listener != null) {
      listener.run();
    }
    LOG.warn("request body over the limit: maxBytes={} requestId={}", limit.maxBytes(),
        client.getHeader(RequestId.HEADER));
    if (client.response().headWritten()) {
      // Too late for a 413: the client must not take a started answer for a complete one.
      client.connection().close();
    }
  }
}
