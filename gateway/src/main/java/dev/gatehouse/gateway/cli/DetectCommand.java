package dev.gatehouse.gateway.cli;

import dev.gatehouse.auditdetector.alert.AlertStore;
import dev.gatehouse.auditdetector.detect.EngineOptions;
import dev.gatehouse.auditdetector.eval.Evaluation;
import dev.gatehouse.auditdetector.eval.EvaluationReport;
import dev.gatehouse.auditdetector.eval.TrafficGenerator;
import dev.gatehouse.auditdetector.live.LiveDetector;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.RuleFormatException;
import dev.gatehouse.auditdetector.rules.RuleLoader;
import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.respond.AlertResponder;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.store.Database;
import dev.gatehouse.gateway.store.MigrationSet;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse detect}: runs the detector on its own over the shared PostgreSQL, following
 * every node's audit events from its stored read positions, until SIGINT or SIGTERM. Alerts are
 * stored as inside {@code serve}; rule responses are listed as suggested only (automatic responses
 * run inside {@code serve}, where they are audited). {@code gatehouse detect eval} scores the
 * shipped rules on seeded synthetic traffic.
 */
@Command(
    name = "detect",
    mixinStandardHelpOptions = true,
    description = {
        "Run the detector on its own over the PostgreSQL shared by the gateway nodes (database.url),",
        "following every node's audit events. `gatehouse serve` already runs it for its own events",
        "(detector.enabled); use this to evaluate all nodes in one place. Stop with ctrl-C."},
    subcommands = {DetectCommand.Eval.class},
    footer = {
        "",
        "Settings come from gatehouse.yaml (or --config) and GATEHOUSE_* variables, as for serve.",
        "Events are held 10s for reordering across nodes; rule responses are listed as suggested.",
        "",
        "Exit codes: 0 stopped cleanly, 1 failed at runtime, 2 bad configuration."})
public final class DetectCommand implements Callable<Integer> {

  /** Lateness when following several nodes through PostgreSQL. */
  static final Duration FOLLOW_LATENESS = Duration.ofSeconds(EngineOptions.DEFAULT_LATENESS_SECONDS);

  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML configuration file (default: ./gatehouse.yaml when present).")
  Path config;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    GatewayConfig cfg;
    List<RuleDefinition> rules;
    try {
      cfg = new ConfigLoader().load(Optional.ofNullable(config), System.getenv(), List.of());
      if (cfg.database().embedded()) {
        throw new ConfigException("database.url", "is required: the embedded database belongs to `gatehouse serve`");
      }
      rules = Gateway.detectionRules(cfg);
    } catch (ConfigException e) {
      err.println("gatehouse: invalid configuration: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    Vertx vertx = Vertx.vertx();
    Database database = null;
    try {
      database = ServeCommand.await(Database.open(vertx, cfg.database(), cfg.dataDir(),
          List.of(MigrationSet.GATEWAY, Gateway.AUDIT_MIGRATIONS)), Duration.ofMinutes(5));
      AlertStore alerts = new AlertStore(database.pool());
      LiveDetector detector = LiveDetector.follow(vertx, database.pool(), rules,
          EngineOptions.defaults().withAllowedLateness(FOLLOW_LATENESS),
          AlertResponder.suggesting(rules, alerts, Clock.systemUTC()));
      ServeCommand.await(detector.start(), Duration.ofMinutes(30));
      err.printf("gatehouse detect: %d rules, following every node's audit events%n", rules.size());
      err.flush();
      ServeCommand.awaitStopSignal();
      ServeCommand.await(detector.stop(), Duration.ofMinutes(1));
      err.printf("gatehouse detect: stopped after %d events%n", detector.stats().eventsEvaluated());
      return 0;
    } catch (RuntimeException e) {
      err.println("gatehouse: detector failed: " + e.getClass().getSimpleName());
      return Main.EXIT_FAILED;
    } finally {
      if (database != null) {
        ServeCommand.await(database.close(), Duration.ofSeconds(30));
      }
      ServeCommand.await(vertx.close(), Duration.ofSeconds(30));
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = {
          "Score the shipped rules on seeded synthetic traffic with injected attacks: per-rule precision, "
              + "recall, F1, benign alerts per 1,000 subjects per day and detection latency.",
          "With --rules DIR, score your own rule files on the same traffic before they ship: a rule in DIR "
              + "with a shipped rule's id replaces that rule and is scored on its attacks; any other id is "
              + "added and scored for precision and benign alerts (no attacks are injected for it)."},
      footer = {
          "",
          "The live-driven evaluation (traffic sent through a real gateway and scored on the audit events",
          "it wrote) runs in the project's test suite (mvn verify), not from this command.",
          "",
          "Exit codes: 0 scored, 2 bad option or rule file (the message names the file and line)."})
  static final class Eval implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", defaultValue = "20250303", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--days", defaultValue = "21", paramLabel = "N",
        description = "Simulated days, at least 18 (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--subjects", defaultValue = "429", paramLabel = "N",
        description = "Background subjects, spread over 6 workspaces, at least 81 (default: ${DEFAULT-VALUE}).")
    int subjects;

    @Option(names = "--rules", paramLabel = "DIR",
        description = "Directory of rule files (*.yaml, *.yml) to score with the shipped rules; a shipped id "
            + "in it replaces the shipped rule.")
    Path rulesDirectory;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      TrafficGenerator generator;
      List<RuleDefinition> rules;
      try {
        int perWorkspace = (subjects - TrafficGenerator.WORKSPACES - 3) / TrafficGenerator.WORKSPACES;
        generator = new TrafficGenerator(seed, days, perWorkspace);
        rules = rules();
      } catch (IllegalArgumentException | RuleFormatException e) {
        err.println("gatehouse: " + e.getMessage());
        return Main.EXIT_USAGE;
      } catch (IOException e) {
        err.println("gatehouse: cannot read rule directory " + rulesDirectory);
        return Main.EXIT_USAGE;
      }
      long[] reported = {-1};
      EvaluationReport report = Evaluation.run(rules, EngineOptions.defaults(), generator,
          time -> {
            long day = Duration.between(TrafficGenerator.START, time).toDays();
            if (day > reported[0] && day < days) {
              reported[0] = day;
              err.println("gatehouse: evaluating: simulated day " + (day + 1) + " of " + days + " ("
                  + (day * 100 / days) + "%)");
              err.flush();
            }
          });
      err.println("gatehouse: evaluated " + report.events() + " events");
      err.flush();
      PrintWriter out = spec.commandLine().getOut();
      out.println(report.table());
      out.flush();
      return 0;
    }

    /** The shipped rules, each replaced by the directory's rule of the same id, then the directory's others. */
    private List<RuleDefinition> rules() throws IOException {
      List<RuleDefinition> shipped = new RuleLoader().loadShipped();
      if (rulesDirectory == null) {
        return shipped;
      }
      Map<String, RuleDefinition> own = new LinkedHashMap<>();
      for (RuleDefinition rule : new RuleLoader().loadDirectory(rulesDirectory)) {
        own.put(rule.id(), rule);
      }
      List<RuleDefinition> rules = new ArrayList<>();
      for (RuleDefinition rule : shipped) {
        RuleDefinition replacement = own.remove(rule.id());
        rules.add(replacement != null ? replacement : rule);
      }
      rules.addAll(own.values());
      return rules;
    }
  }
}
