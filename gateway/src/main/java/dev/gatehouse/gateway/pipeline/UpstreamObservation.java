package dev.gatehouse.gateway.pipeline;

import dev.gatehouse.gateway.metrics.GatewayMetrics;
import dev.gatehouse.gateway.policy.RouteMatch;
import dev.gatehouse.gateway.proxy.UpstreamCall;
import dev.gatehouse.gateway.tracing.RequestTrace;
import io.vertx.core.MultiMap;

/** One exchange's call to the runtime, timed into the meters and traced as a child span. */
final class UpstreamObservation implements UpstreamCall {

  private final GatewayMetrics metrics;
  private final String route;
  private final RequestTrace trace;
  private RequestTrace.Upstream span = RequestTrace.Upstream.NONE;
  private long sentNanos;

  UpstreamObservation(GatewayMetrics metrics, Exchange exchange) {
    this.metrics = metrics;
    this.route = exchange.route().map(RouteMatch::routeId).orElse(null);
    this.trace = exchange.trace();
  }

  @Override
  public void sending(MultiMap headers) {
    sentNanos = System.nanoTime();
    span = trace.upstream();
    span.inject(headers);
  }

  @Override
  public void ended(int status, String failure) {
    metrics.upstream(route, status, failure, System.nanoTime() - sentNanos);
    span.end(status, failure);
  }
}
