package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The innermost interceptor: tells the exchange's {@link UpstreamCall} when the request leaves
 * for the runtime (its headers still open to change) and how the runtime answered.
 */
final class UpstreamCallInterceptor implements ProxyInterceptor {

  /** Failure key of a runtime request reset because the client had already left. */
  static final String CLIENT_CLOSED = "client_closed";

  /** Observers handed over by {@link UpstreamProxy#handle}; taken synchronously, like the other interceptors'. */
  private final Map<HttpServerRequest, UpstreamCall> calls = new ConcurrentHashMap<>();

  void offer(HttpServerRequest request, UpstreamCall call) {
    calls.put(request, call);
  }

  void withdraw(HttpServerRequest request) {
    calls.remove(request);
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    HttpServerRequest client = context.request().proxiedRequest();
    UpstreamCall call = calls.remove(client);
    if (call == null) {
      return context.sendRequest();
    }
    call.sending(context.request().headers());
    return context.sendRequest().andThen(answered -> {
      if (answered.succeeded()) {
        call.ended(answered.result().getStatusCode(), null);
      } else if (client.response().closed()) {
        call.ended(0, CLIENT_CLOSED);
      } else {
        call.ended(0, UpstreamFailureInterceptor.classify(answered.cause()) == ErrorBody.GATEWAY_TIMEOUT
            ? UpstreamFailureInterceptor.TIMEOUT_REASON : UpstreamFailureInterceptor.UNREACHABLE_REASON);
      }
    });
  }
}
