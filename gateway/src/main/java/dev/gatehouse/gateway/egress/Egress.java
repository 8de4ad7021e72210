package dev.gatehouse.gateway.egress;

import dev.gatehouse.gateway.audit.DecisionAudit;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.store.ChangeFeed;
import dev.gatehouse.secrets.blob.SecretBlobSealer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.util.Optional;

/**
 * A node's egress: the agents' credentials, the workspaces' provider keys and the budgets (always
 * there, so the admin plane can manage them), and the egress listener when {@code egress.enabled}.
 * Construct before the {@link ChangeFeed} starts (the provider keys follow it).
 */
public final class Egress {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Egress.class);

  private final Vertx vertx;
  private final GatewayConfig.Egress settings;
  private final EgressCredentials credentials;
  private final ProviderKeys keys;
  private final EgressBudgets budgets;
  private EgressListener listener;

  public Egress(Vertx vertx, Pool pool, SecretBlobSealer sealer, ChangeFeed feed, GatewayConfig.Egress settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.credentials = new EgressCredentials(pool);
    this.keys = new ProviderKeys(vertx, pool, sealer, feed);
    this.budgets = new EgressBudgets(pool);
  }

  /** Starts the listener if {@code egress.enabled}, recording into {@code audit}. */
  public Future<Void> listen(DecisionAudit audit) {
    if (!settings.enabled()) {
      return Future.succeededFuture();
    }
    return EgressListener.start(vertx, settings, credentials, keys, budgets, new EgressAudit(audit))
        .map(started -> {
          listener = started;
          LOG.info("egress listener ready: port={}", started.port());
          return null;
        });
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /** The listener's port once started; empty when egress is off. */
  public Optional<Integer> port() {
    return Optional.ofNullable(listener).map(EgressListener::port);
  }

  /**
   * The OpenAI-style base URL ({@code http://host:port/v1}) agents are given: what
   * {@code OPENAI_BASE_URL} and {@code ANTHROPIC_BASE_URL} point at. Empty when egress is off.
   */
  public Optional<URI> agentBaseUrl() {
    return port().map(p -> URI.create("http://" + hostForAgents() + ":" + p + ModelApi.VERSION_PREFIX));
  }

  private String hostForAgents() {
    String host = settings.listen().host();
    if ("0.0.0.0".equals(host)) {
      return "127.0.0.1";
    }
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  public EgressCredentials credentials() {
    return credentials;
  }

  public ProviderKeys keys() {
    return keys;
  }

  public EgressBudgets budgets() {
    return budgets;
  }

  /** Stops the listener (calls in flight are cut off). */
  public Future<Void> close() {
    return listener == null ? Future.succeededFuture() : listener.close();
  }
}
