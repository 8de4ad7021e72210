package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.accesslog.RequestId;
import dev.gatehouse.gateway.errors.ErrorBody;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure to reach the runtime into a generic JSON answer: 504 when a connect or
 * response timeout expired, 502 for anything else (refused, reset, TLS failure). The log line
 * names the failure kind and the request id only, never the exception message, which may quote
 * the request target with its query string.
 */
final class UpstreamFailureInterceptor implements ProxyInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamFailureInterceptor.class);
  private static final String FAILED = "gatehouse.upstream-failed";
  private static final MediaType JSON = MediaType.parse(ErrorBody.CONTENT_TYPE);

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    return context.sendRequest().recover(failure -> {
      ErrorBody error = classify(failure);
      LOG.warn("upstream request failed: kind={} status={} requestId={}",
          failure.getClass().getSimpleName(), error.status(),
          context.request().proxiedRequest().getHeader(RequestId.HEADER));
      context.set(FAILED, Boolean.TRUE);
      ProxyResponse response = context.request().release().response()
          .setStatusCode(error.status())
          .setBody(Body.body(error.body(), JSON));
      return Future.succeededFuture(response);
    });
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext context) {
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
