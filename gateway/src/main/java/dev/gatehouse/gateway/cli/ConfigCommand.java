package dev.gatehouse.gateway.cli;

import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.policy.RoutePolicy;
import dev.gatehouse.gateway.reload.LiveSettings;
import dev.gatehouse.gateway.server.Gateway;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatehouse config}: checks a node's configuration without starting anything. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Check a node's configuration and the files it names.",
    subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command, e.g. `gatehouse config check`");
  }

  /**
   * {@code gatehouse config check}: what {@code serve} would refuse, found without starting a
   * database, a listener or a runtime. The policy and the rules are both checked even when one of
   * them is bad, so one run lists every broken file.
   */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
          "Validate gatehouse.yaml (or --config) with the GATEHOUSE_* variables, the route policy it names "
              + "(or the shipped one) and the detection rules (shipped plus detector.rulesDirectory), as serve "
              + "would load them. Starts nothing. Each problem names the key, and the file and line at fault.",
          "Run it before `serve`, or before a reload (SIGHUP, POST /admin/v1/reload)."},
      footer = {
          "",
          "Exit codes: 0 everything is valid, 2 a problem was found (one line per problem on stderr)."})
  static final class Check implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
        description = "YAML configuration file (default: ./gatehouse.yaml when present).")
    Path config;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      GatewayConfig cfg;
      try {
        cfg = new ConfigLoader().load(Optional.ofNullable(config), System.getenv(), List.of());
      } catch (ConfigException e) {
        err.println("gatehouse config check: " + e.getMessage());
        return Main.EXIT_USAGE;
      }
      out.println("configuration: valid (" + (config == null ? ConfigLoader.DEFAULT_FILE + " if present" : config)
          + ", GATEHOUSE_* variables)");
      boolean valid = true;
      try {
        RoutePolicy policy = LiveSettings.policy(cfg);
        out.println("policy: valid, " + policy.routes().size() + " routes ("
            + cfg.policyFile().map(Path::toString).orElse("shipped elizaOS 1.7 policy") + ")");
      } catch (ConfigException e) {
        err.println("gatehouse config check: " + e.getMessage());
        valid = false;
      }
      try {
        List<RuleDefinition> rules = Gateway.detectionRules(cfg);
        out.println(cfg.detector().enabled()
            ? "detection rules: valid, " + rules.size() + " rules"
                + cfg.detector().rulesDirectory().map(dir -> " (shipped and " + dir + ")").orElse(" (shipped)")
            : "detection rules: not loaded (detector.enabled is false)");
      } catch (ConfigException e) {
        err.println("gatehouse config check: " + e.getMessage());
        valid = false;
      }
      out.flush();
      return valid ? 0 : Main.EXIT_USAGE;
    }
  }
}
