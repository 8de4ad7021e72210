package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.tier.RuntimeLease;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Forwards exactly the target that was authorized, to the runtime that was chosen for it: the
 * canonical target the pipeline put in {@link UpstreamProxy#FORWARD_TARGET_HEADER} replaces the
 * request URI (the header itself never reaches the runtime), and the exchange's runtime (a
 * {@link Runtime} handed over by the proxy) is kept in the proxy context for the origin request. A
 * request without either was not authorized and is not forwarded (the failure becomes a generic 502).
 */
final class ForwardTargetInterceptor implements ProxyInterceptor {

  /** Context key of the exchange's runtime. */
  static final String RUNTIME = "gatehouse.runtime";

  /**
   * Runtimes handed over by {@link UpstreamProxy#handle}; the interceptor chain runs
   * synchronously inside {@code HttpProxy.handle}, so each entry is taken before that call
   * returns, and removed by it in any case.
   */
  private final Map<HttpServerRequest, Runtime> pending = new ConcurrentHashMap<>();

  /** The exchange's runtime lease, and who to tell when it is renewed. */
  record Runtime(RuntimeLease lease, Consumer<RuntimeLease> renewed) {}

  void offer(HttpServerRequest request, Runtime runtime) {
    pending.put(request, runtime);
  }

  void withdraw(HttpServerRequest request) {
    pending.remove(request);
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    String target = context.request().headers().get(UpstreamProxy.FORWARD_TARGET_HEADER);
    context.request().headers().remove(UpstreamProxy.FORWARD_TARGET_HEADER);
    Runtime runtime = pending.remove(context.request().proxiedRequest());
    if (target == null || runtime == null) {
      return Future.failedFuture(new IllegalStateException("request reached the proxy without an authorized target"));
    }
    context.set(RUNTIME, runtime);
    context.request().setURI(target);
    return context.sendRequest();
  }
}
