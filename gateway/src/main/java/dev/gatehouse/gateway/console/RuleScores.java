package dev.gatehouse.gateway.console;

import dev.gatehouse.auditdetector.detect.EngineOptions;
import dev.gatehouse.auditdetector.eval.Evaluation;
import dev.gatehouse.auditdetector.eval.RuleScore;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each running rule's precision, recall and benign alerts, scored as {@code gatehouse detect eval}
 * scores them: on the seeded synthetic traffic with injected attacks ({@value #SEED}), with the
 * rules as this node runs them (overridden thresholds applied, disabled rules left out). Scoring
 * takes about ten seconds of one core, so it runs on a worker thread the first time the rules
 * page asks for a rule set, and the result is kept until the rule set changes; until then the page
 * says the scores are being computed.
 */
final class RuleScores {

  /** The seed of {@code gatehouse detect eval}'s default traffic. */
  static final long SEED = 20250303L;

  private static final Logger LOG = LoggerFactory.getLogger(RuleScores.class);

  private final Vertx vertx;
  private List<RuleDefinition> scored;
  private Map<String, RuleScore> scores = Map.of();
  private List<RuleDefinition> scoring;

  RuleScores(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The scores of {@code rules} by rule id, or empty while they are being computed (which this starts). */
  synchronized Optional<Map<String, RuleScore>> of(List<RuleDefinition> rules) {
    if (rules.equals(scored)) {
      return Optional.of(scores);
    }
    if (!rules.equals(scoring)) {
      scoring = List.copyOf(rules);
      List<RuleDefinition> job = scoring;
      vertx.executeBlocking(() -> Evaluation.run(job, EngineOptions.defaults(), SEED), false).onComplete(done -> {
        synchronized (this) {
          if (done.succeeded() && job.equals(scoring)) {
            scored = job;
            scores = done.result().scores().stream().collect(Collectors.toMap(RuleScore::ruleId, Function.identity()));
            scoring = null;
          } else if (done.failed()) {
            LOG.warn("rule scores could not be computed: kind={}", done.cause().getClass().getSimpleName());
            scoring = null;
          }
        }
      });
    }
    return Optional.empty();
  }
}
