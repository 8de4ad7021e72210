package dev.gatehouse.gateway.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * {@code GET /admin/v1/metrics}: the node's meters (requests, latency, runtime calls, sockets,
 * runtimes, detector lag, the audit writer's, the JVM's) in the Prometheus text format. A scraper
 * uses a token with only {@value #READ_SCOPE}: it reaches this route and nothing else, and its
 * successful scrapes are not audited one by one (see {@link AdminAudit}); the full admin
 * credential works too, audited like every admin request.
 */
public final class MetricsRoutes implements AdminRoutes {

  public static final String PATH = AdminApi.PREFIX + "/metrics";
  /** The scope of a token that may scrape {@link #PATH} and nothing else on the admin plane. */
  public static final String READ_SCOPE = "metrics:read";

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
