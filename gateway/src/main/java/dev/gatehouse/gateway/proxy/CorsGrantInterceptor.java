package dev.gatehouse.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import java.util.List;

/**
 * Drops every {@code Access-Control-*} header of the runtime's answers. elizaOS grants any origin
 * that asks, with credentials: passed on, it would let a page on another origin of the same site
 * read what a signed-in person's cookie fetches. The gateway grants no cross-origin reads; people
 * use the web client it serves on its own origin, programs need no CORS.
 */
final class CorsGrantInterceptor implements ProxyInterceptor {

  private static final String PREFIX = "access-control-";

  @Override
  public Future<Void> handleProxyResponse(ProxyContext context) {
    var headers = context.response().headers();
    List<String> grants = headers.names().stream()
        .filter(name -> name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())).toList();
    grants.forEach(headers::remove);
    return context.sendResponse();
  }
}
