package dev.gatehouse.gateway.reload;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.pipeline.RequestPipeline;
import dev.gatehouse.gateway.policy.RoutePolicy;
import dev.gatehouse.gateway.rules.LiveRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads one node's {@link LiveSettings} (on SIGHUP or {@code POST /admin/v1/reload}): the
 * configuration is read again from its source and the files it names are loaded and validated
 * first; only when all of them are good are they applied, together, from the next request on.
 * A bad file keeps everything that is running and the failure says why (key, file, line).
 * Reloads run one at a time.
 */
public final class NodeReload {

  private static final Logger LOG = LoggerFactory.getLogger(NodeReload.class);

  /** What one reload did. */
  public sealed interface Outcome {
    /** The new settings are in force. */
    record Applied(int routes, int rules) implements Outcome {}

    /** Nothing changed: {@code problem} names the key, and the file and line where one is at fault. */
    record Refused(String problem) implements Outcome {}
  }

  private final Vertx vertx;
  private final Supplier<GatewayConfig> source;
  private final AtomicReference<RoutePolicy> policy;
  private final RequestPipeline.Limiters limiters;
  private final LiveRules rules;
  private Future<Outcome> last = Future.succeededFuture();

  /**
   * @param source reads the configuration again, throwing {@link ConfigException} when it is invalid
   * @param policy the policy the main listener reads for each request
   * @param rules the detector's rules, which take the reloaded catalogue with the operators' rule settings
   */
  public NodeReload(Vertx vertx, Supplier<GatewayConfig> source, AtomicReference<RoutePolicy> policy,
      RequestPipeline.Limiters limiters, LiveRules rules) {
    this.vertx = vertx;
    this.source = source;
    this.policy = policy;
    this.limiters = limiters;
    this.rules = rules;
  }

  /** Loads, validates and applies, after any reload still running; never fails (a problem is a {@link Outcome.Refused}). */
  public synchronized Future<Outcome> reload() {
    last = last.transform(previous -> once());
    return last;
  }

  private Future<Outcome> once() {
    return vertx.<LiveSettings>executeBlocking(() -> LiveSettings.load(source.get()), true)
        .compose(this::apply, failure -> {
          String problem = failure instanceof ConfigException config ? config.getMessage()
              : "could not be read (" + failure.getClass().getSimpleName() + ")";
          LOG.warn("reload refused, the running policy, rules and limits stay: {}", problem);
          return Future.succeededFuture(new Outcome.Refused(problem));
        });
  }

  private Future<Outcome> apply(LiveSettings next) {
    GatewayConfig.Budgets budgets = next.limits();
    limiters.perAddress().retune(budgets.perAddress());
    limiters.failedAuthentication().retune(budgets.failedAuthentication());
    limiters.perToken().retune(budgets.perToken());
    limiters.perWorkspace().retune(budgets.perWorkspace());
    policy.set(next.policy());
    return rules.replaceCatalogue(next.rules()).map(running -> {
      int ruleCount = running;
      LOG.info("reloaded: routes={} rules={}", next.policy().routes().size(), ruleCount);
      return new Outcome.Applied(next.policy().routes().size(), ruleCount);
    });
  }
}
