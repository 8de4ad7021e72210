package dev.gatehouse.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Forwards exactly the target that was authorized: the canonical target the pipeline put in
 * {@link UpstreamProxy#FORWARD_TARGET_HEADER} replaces the request URI, and the header itself
 * never reaches the runtime. A request without it was not authorized and is not forwarded
 * (the failure becomes a generic 502).
 */
final class ForwardTargetInterceptor implements ProxyInterceptor {

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    String target = context.request().headers().get(UpstreamProxy.FORWARD_TARGET_HEADER);
    context.request().headers().remove(UpstreamProxy.FORWARD_TARGET_HEADER);
    if (target == null) {
      return Future.failedFuture(new IllegalStateException("request reached the proxy without an authorized target"));
    }
    context.request().setURI(target);
    return context.sendRequest();
  }
}
