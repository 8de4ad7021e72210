package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.accesslog.RequestId;
import dev.gatehouse.gateway.errors.ErrorBody;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure to reach the runtime into a generic JSON answer: 504 when a connect or
 * response timeout expired, 502 for anything else (refused, reset, TLS failure). The log line
 * names the failure kind and the request id only, never the exception message, which may quote
 * the request target with its query string. The listener handed over for the request learns the
 * audit reason key ({@link #TIMEOUT_REASON} or {@link #UNREACHABLE_REASON}) before the answer is sent.
 *
 * <p>A runtime request the proxy reset because the client had already closed its connection is
 * no failure of the runtime: nothing is logged above debug, the listener is not told and nothing
 * is written (the pipeline audits the exchange as closed by the client).
 */
final class UpstreamFailureInterceptor implements ProxyInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamFailureInterceptor.class);
  private static final String FAILED = "gatehouse.upstream-failed";
  private static final String CLIENT_GONE = "gatehouse.client-gone";
  private static final MediaType JSON = MediaType.parse(ErrorBody.CONTENT_TYPE);

  /** Audit reason key of a request the runtime did not answer within the connect or response timeout. */
  public static final String TIMEOUT_REASON = "upstream_timeout";
  /** Audit reason key of a request the runtime could not be reached for (refused, reset, TLS failure). */
  public static final String UNREACHABLE_REASON = "upstream_unreachable";

  /**
   * Listeners handed over by {@link UpstreamProxy#handle}; the interceptor chain runs
   * synchronously inside {@code HttpProxy.handle}, so each entry is taken before that call
   * returns, and removed by it in any case.
   */
  private final Map<HttpServerRequest, Consumer<String>> listeners = new ConcurrentHashMap<>();

  void offer(HttpServerRequest request, Consumer<String> onFailure) {
    listeners.put(request, onFailure);
  }

  void withdraw(HttpServerRequest request) {
    listeners.remove(request);
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    HttpServerRequest client = context.request().proxiedRequest();
    Consumer<String> listener = listeners.remove(client);
    return context.sendRequest().recover(failure -> {
      if (client.response().closed()) {
        // The client left first and the proxy reset the runtime request: not a runtime failure.
        LOG.debug("client closed before the runtime answered: requestId={}", client.getHeader(RequestId.HEADER));
        context.set(CLIENT_GONE, Boolean.TRUE);
        return Future.succeededFuture(context.request().release().response());
      }
      ErrorBody error = classify(failure);
      LOG.warn("upstream request failed: kind={} status={} requestId={}",
          failure.getClass().getSimpleName(), error.status(),
          client.getHeader(RequestId.HEADER));
      if (listener != null) {
        listener.accept(error == ErrorBody.GATEWAY_TIMEOUT ? TIMEOUT_REASON : UNREACHABLE_REASON);
      }
      context.set(FAILED, Boolean.TRUE);
      ProxyResponse response = context.request().release().response()
          .setStatusCode(error.status())
          .putHeader(HttpHeaders.CACHE_CONTROL, ErrorBody.NO_STORE)
          .setBody(Body.body(error.body(), JSON));
      return Future.succeededFuture(response);
    });
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext context) {
    if (context.get(CLIENT_GONE, Boolean.class) != null) {
      // Nobody to answer: nothing is written, so the exchange stays without a status.
      return Future.succeededFuture();
    }
    if (context.get(FAILED, Boolean.class) != null) {
      // Written directly: the proxy's WebSocket path expects a real upstream response.
      return context.response().send();
    }
    return context.sendResponse();
  }

  static ErrorBody classify(Throwable failure) {
    if (failure instanceof TimeoutException || failure instanceof ConnectTimeoutException) {
      return ErrorBody.GATEWAY_TIMEOUT;
    }
    return ErrorBody.BAD_GATEWAY;
  }
}
