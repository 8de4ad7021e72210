package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runtime's answer to an authenticated request carries {@code Cache-Control: no-store} unless
 * the runtime set a {@code Cache-Control} of its own: such an answer holds one workspace's data,
 * and no cache between client and gateway may keep it. The runtime's own value wins because it
 * knows which of its answers are public. Answers to public routes are left as the runtime sent them.
 */
final class CacheControlInterceptor implements ProxyInterceptor {

  private static final String AUTHENTICATED = "gatehouse.authenticated";

  /**
   * Requests handed over by {@link UpstreamProxy#handle}; the interceptor chain runs synchronously
   * inside {@code HttpProxy.handle}, so each entry is taken before that call returns, and removed
   * by it in any case.
   */
  private final Set<HttpServerRequest> authenticated = ConcurrentHashMap.newKeySet();

  void offer(HttpServerRequest request) {
    authenticated.add(request);
  }

  void withdraw(HttpServerRequest request) {
    authenticated.remove(request);
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    if (authenticated.remove(context.request().proxiedRequest())) {
      context.set(AUTHENTICATED, Boolean.TRUE);
    }
    return context.sendRequest();
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext context) {
    ProxyResponse response = context.response();
    if (context.get(AUTHENTICATED, Boolean.class) != null && !response.headers().contains(HttpHeaders.CACHE_CONTROL)) {
      response.putHeader(HttpHeaders.CACHE_CONTROL, ErrorBody.NO_STORE);
    }
    return context.sendResponse();
  }
}
