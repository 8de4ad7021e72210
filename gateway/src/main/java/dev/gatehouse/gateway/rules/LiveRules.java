package dev.gatehouse.gateway.rules;

import dev.gatehouse.auditdetector.live.LiveDetector;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.gateway.respond.AlertResponder;
import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule set this node's detector runs: the catalogue (the shipped rules plus
 * {@code detector.rulesDirectory}, replaced on reload) less the rules an operator switched off,
 * with overridden thresholds applied ({@link RuleSettingsStore}). A setting changed on any node
 * reaches this one through the change feed and is applied to the running detector and responder
 * without a restart (unchanged rules keep their state). Changes are applied one at a time; when
 * the settings cannot be read, the rules running stay.
 */
public final class LiveRules {

  private static final Logger LOG = LoggerFactory.getLogger(LiveRules.class);

  private final RuleSettingsStore store;
  private final Optional<LiveDetector> detector;
  private final Optional<AlertResponder> responder;
  private volatile List<RuleDefinition> catalogue;
  private volatile Map<String, RuleSetting> settings;
  private Future<Void> last = Future.succeededFuture();

  /**
   * @param catalogue the rules as loaded (empty when the detector is off)
   * @param settings the settings the detector was started with ({@link #effective})
   */
  public LiveRules(RuleSettingsStore store, ChangeFeed feed, List<RuleDefinition> catalogue,
      Map<String, RuleSetting> settings, Optional<LiveDetector> detector, Optional<AlertResponder> responder) {
    this.store = Objects.requireNonNull(store, "store");
    this.catalogue = List.copyOf(catalogue);
    this.settings = Map.copyOf(settings);
    this.detector = detector;
    this.responder = responder;
    feed.onMessage(message -> {
      if (RuleSettingsStore.FEED_MESSAGE.equals(message)) {
        refresh();
      }
    });
    feed.onResubscribe(v -> refresh());
  }

  /** {@code catalogue} less the rules switched off, with overridden thresholds applied. */
  public static List<RuleDefinition> effective(List<RuleDefinition> catalogue, Map<String, RuleSetting> settings) {
    List<RuleDefinition> running = new ArrayList<>(catalogue.size());
    for (RuleDefinition rule : catalogue) {
      RuleSetting setting = settings.get(rule.id());
      if (setting == null) {
        running.add(rule);
      } else if (setting.enabled()) {
        boolean overridable = RuleSetting.thresholdOf(rule).isPresent();
        running.add(setting.threshold() != null && overridable
            ? RuleSetting.withThreshold(rule, setting.threshold()) : rule);
      }
    }
    return List.copyOf(running);
  }

  /** The catalogue as loaded (before settings). */
  public List<RuleDefinition> catalogue() {
    return catalogue;
  }

  /** The settings last read, by rule id. */
  public Map<String, RuleSetting> settings() {
    return settings;
  }

  /** Replaces the catalogue (a reload) and applies it with the stored settings; the number of rules now running. */
  public synchronized Future<Integer> replaceCatalogue(List<RuleDefinition> next) {
    List<RuleDefinition> copy = List.copyOf(next);
    Future<Void> applied = last.transform(previous -> {
      Future<Void> done = apply(copy, settings);
      catalogue = copy;
      return done;
    });
    last = applied.recover(failure -> Future.succeededFuture());
    return applied.map(v -> detector.isPresent() ? effective(catalogue, settings).size() : 0);
  }

  /** Reads the settings again and applies them; a failure keeps the rules running (and is logged). */
  public synchronized Future<Void> refresh() {
    Future<Void> applied = last.transform(previous -> store.all().compose(read -> {
      Future<Void> done = apply(catalogue, read);
      settings = read;
      return done;
    }));
    last = applied.recover(failure -> {
      LOG.warn("rule settings could not be read; the running rules stay: kind={}",
          failure.getClass().getSimpleName());
      return Future.succeededFuture();
    });
    return last;
  }

  /**
   * Hands the rule set to the detector and responder; called before the fields change, so events
   * accepted after the new settings are visible are evaluated with them.
   */
  private Future<Void> apply(List<RuleDefinition> nextCatalogue, Map<String, RuleSetting> nextSettings) {
    List<RuleDefinition> running = effective(nextCatalogue, nextSettings);
    responder.ifPresent(r -> r.replaceRules(running));
    return detector.map(d -> d.replaceRules(running)).orElse(Future.succeededFuture());
  }
}
