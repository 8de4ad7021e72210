package dev.gatehouse.gateway.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * {@code GET /admin/v1/metrics}: the node's meters (audit queue depth, batch latency, spooled
 * and replayed counts, ...) in the Prometheus text format, behind the admin credential like
 * every admin route (scrape with a bearer token).
 */
public final class MetricsRoutes implements AdminRoutes {

  public static final String PATH = AdminApi.PREFIX + "/metrics";

  private final PrometheusMeterRegistry registry;

  public MetricsRoutes(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
  }
}
