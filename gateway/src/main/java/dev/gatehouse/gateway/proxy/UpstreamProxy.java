package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.limit.BodyLimit;
import dev.gatehouse.gateway.mutate.HeaderMutator;
import dev.gatehouse.gateway.tier.RuntimeLease;
import dev.gatehouse.gateway.tier.RuntimeTarget;
import dev.gatehouse.gateway.tls.UpstreamTrust;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyOptions;
import java.net.ConnectException;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards requests and WebSocket upgrades to the runtime chosen for each exchange, streaming bodies in
 * both directions; a request body that grows past the {@link BodyLimit} is cut off (see
 * {@link BodyLimitInterceptor}). Never hangs: a connection that cannot be made within the
 * connect timeout, or a runtime silent for longer than the response timeout, ends in a generic
 * JSON 502/504 (see {@link UpstreamFailureInterceptor}). Answers to authenticated requests are
 * not cacheable unless the runtime says otherwise (see {@link CacheControlInterceptor}).
 */
public final class UpstreamProxy {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamProxy.class);

  /**
   * Internal header carrying the canonical request target from the pipeline to the proxy; it is
   * removed before forwarding, and clients cannot set it (the {@code X-Gatehouse-} namespace is
   * dropped from every client request).
   */
  public static final String FORWARD_TARGET_HEADER = "X-Gatehouse-Forward-Target";

  /** Largest runtime answer the gateway buffers to filter or redact: 16 MiB. */
  public static final long MAX_INSPECTED_RESPONSE = 16L * 1024 * 1024;

  /** Connections kept per event loop to the runtime. */
  static final int MAX_POOLED_CONNECTIONS = 64;

  private final HttpClient client;
  private final HttpProxy proxy;
  private final GatewayConfig.Upstream upstream;
  private final ForwardTargetInterceptor targets = new ForwardTargetInterceptor();
  private final PlanInterceptor plans = new PlanInterceptor(MAX_INSPECTED_RESPONSE);
  private final BodyLimitInterceptor bodyLimit;
  private final UpstreamFailureInterceptor failures = new UpstreamFailureInterceptor();
  private final CacheControlInterceptor cacheControl = new CacheControlInterceptor();
  private final UpstreamCallInterceptor calls = new UpstreamCallInterceptor();

  public UpstreamProxy(Vertx vertx, GatewayConfig.Upstream upstream, BodyLimit limit) {
    this.upstream = upstream;
    this.bodyLimit = new BodyLimitInterceptor(limit);
    this.client = vertx.createHttpClient(
        UpstreamTrust.apply(vertx, new HttpClientOptions()
            .setConnectTimeout((int) upstream.connectTimeout().toMillis())
            .setVerifyHost(true)
            .setKeepAlive(true), upstream.caFile()),
        new PoolOptions().setHttp1MaxSize(MAX_POOLED_CONNECTIONS));
    this.proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
        .origin(this::originRequest)
        .addInterceptor(failures, true)
        .addInterceptor(new UpstreamRateLimitInterceptor(), true)
        .addInterceptor(targets, true)
        .addInterceptor(cacheControl, false)
        .addInterceptor(new CorsGrantInterceptor(), false)
        .addInterceptor(bodyLimit, false)
        .addInterceptor(plans, false)
        .addInterceptor(calls, true);
  }

  /**
   * Forwards {@code request} to the runtime of {@code lease}, with that runtime's key
   * ({@code X-API-KEY}). When the runtime refuses the connection, the lease is renewed once
   * ({@link RuntimeLease#renew}: a restarted runtime) and {@code renewed} is told of the new lease
   * on the request's event loop; nothing had reached the refusing runtime. A present {@code plan} applies: its body replaces the client's
   * (which the caller has consumed) and the JSON answer goes through its transformer; it is
   * ignored for a WebSocket upgrade. {@code onBodyOverLimit} runs once, on the request's event
   * loop, when the client's streamed body grows past the limit; unless the runtime's whole answer
   * was already sent, that is before the client's answer ends or its connection closes.
   * {@code onUpstreamFailure} runs once, on the request's event loop and before the generic
   * 502/504 is sent, with {@link UpstreamFailureInterceptor#TIMEOUT_REASON} or
   * {@link UpstreamFailureInterceptor#UNREACHABLE_REASON}. {@code authenticated} marks the answer
   * as one workspace's data (see {@link CacheControlInterceptor}). {@code call} observes the
   * request leaving for the runtime and the runtime's answer.
   */
  public void handle(HttpServerRequest request, RuntimeLease lease, Consumer<RuntimeLease> renewed,
      Optional<ForwardPlan> plan, boolean authenticated, Runnable onBodyOverLimit, Consumer<String> onUpstreamFailure,
      UpstreamCall call) {
    targets.offer(request, new ForwardTargetInterceptor.Runtime(lease, renewed));
    calls.offer(request, call);
    bodyLimit.offer(request, onBodyOverLimit);
    failures.offer(request, onUpstreamFailure);
    plan.ifPresent(p -> plans.offer(request, p));
    if (authenticated) {
      cacheControl.offer(request);
    }
    try {
      proxy.handle(request);
    } finally {
      targets.withdraw(request);
      bodyLimit.withdraw(request);
      failures.withdraw(request);
      plans.withdraw(request);
      cacheControl.withdraw(request);
      calls.withdraw(request);
    }
  }

  public GatewayConfig.Upstream upstream() {
    return upstream;
  }

  private Future<HttpClientRequest> originRequest(ProxyContext context) {
    ForwardTargetInterceptor.Runtime runtime = context.get(ForwardTargetInterceptor.RUNTIME,
        ForwardTargetInterceptor.Runtime.class);
    Context exchangeContext = Vertx.currentContext();
    return connect(context, runtime.lease().target()).recover(failure -> {
      if (!refused(failure)) {
        return Future.failedFuture(failure);
      }
      return runtime.lease().renew()
          .recover(notRenewed -> Future.failedFuture(failure))
          .compose(renewed -> {
            exchangeContext.runOnContext(v -> runtime.renewed().accept(renewed));
            return connect(context, renewed.target());
          });
    });
  }

  /** The runtime refused the connection (not a timeout): it never saw the request. */
  public static boolean refused(Throwable failure) {
    return failure instanceof ConnectException && !(failure instanceof ConnectTimeoutException);
  }

  private Future<HttpClientRequest> connect(ProxyContext context, RuntimeTarget runtime) {
    RequestOptions options = new RequestOptions()
        .setServer(runtime.origin())
        .setSsl(runtime.isTls())
        .setConnectTimeout(upstream.connectTimeout().toMillis());
    if (!context.isWebSocket()) {
      // A WebSocket may legitimately stay quiet; only plain exchanges get the silence limit.
      options.setIdleTimeout(upstream.responseTimeout().toMillis());
    }
    var headers = context.request().headers();
    headers.remove(HeaderMutator.RUNTIME_KEY_HEADER);
    runtime.apiKey().ifPresent(key -> headers.set(HeaderMutator.RUNTIME_KEY_HEADER, key));
    // A failure before the runtime answers also fails the response, which the interceptors turn
    // into the client's answer and a log line; one after it (the runtime answered before the
    // client's body was all sent) changes nothing for the exchange. Without a handler Vert.x
    // would log either at ERROR.
    return context.client().request(options).onSuccess(request -> request.exceptionHandler(failure ->
        LOG.debug("runtime request failed: kind={}", failure.getClass().getSimpleName())));
  }

  /**
   * The gateway's own question to a runtime: the status of {@code GET path} with the runtime's
   * key, its body read and dropped; a failed future when the runtime cannot be asked.
   */
  public Future<Integer> status(RuntimeTarget runtime, String path) {
    RequestOptions options = new RequestOptions()
        .setHost(runtime.origin().host())
        .setPort(runtime.origin().port())
        .setSsl(runtime.isTls())
        .setURI(path)
        .setConnectTimeout(upstream.connectTimeout().toMillis())
        .setIdleTimeout(upstream.responseTimeout().toMillis());
    runtime.apiKey().ifPresent(key -> options.putHeader(HeaderMutator.RUNTIME_KEY_HEADER, key));
    return client.request(options)
        .compose(HttpClientRequest::send)
        .compose(response -> response.body().map(body -> response.statusCode()));
  }

  public Future<Void> close() {
    return client.close();
  }
}
