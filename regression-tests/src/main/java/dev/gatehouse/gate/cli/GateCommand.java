package dev.gatehouse.gate.cli;

import dev.gatehouse.gate.blackbox.BlackBoxSuite;
import dev.gatehouse.gate.blackbox.CaseResult;
import dev.gatehouse.gate.blackbox.Deployment;
import dev.gatehouse.gate.blackbox.Session;
import dev.gatehouse.gate.blackbox.SuiteOptions;
import dev.gatehouse.gate.report.GateReport;
import dev.gatehouse.gate.report.ReportFiles;
import dev.gatehouse.gate.results.Outcome;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse-gate}: runs the black-box suite against a deployment and writes
 * {@code blackbox-junit.xml}, {@code blackbox.sarif} and {@code blackbox.md}. Exit 0 when no case
 * found the target weakened, 1 when one did, 2 on a usage error or when the admin API refused to
 * set up the throwaway workspace. Subcommands: {@code trace}, {@code checklist}, {@code data-age}.
 */
@Command(name = "gatehouse-gate", mixinStandardHelpOptions = true, versionProvider = GateCommand.Version.class,
    subcommands = {TraceCommand.class, ChecklistCommand.class, DataAgeCommand.class},
    description = {"Black-box security suite against a Gatehouse deployment (and, as subcommands, the release gate).",
        "Uses the admin token to create a throwaway workspace, tokens and external issuer; removes them at the end."})
public final class GateCommand implements Callable<Integer> {

  @Option(names = "--target", description = "Main listener, e.g. http://127.0.0.1:8080")
  URI target;

  @Option(names = "--admin", description = "Admin listener, e.g. http://127.0.0.1:8081")
  URI admin;

  @Option(names = "--admin-token-file", description = "File holding an admin token (bootstrap or gatehouse:admin).")
  Path adminTokenFile;

  @Option(names = "--report-dir", description = "Where the reports go (default: ${DEFAULT-VALUE}).",
      defaultValue = "gate-reports")
  Path reportDir;

  @Option(names = "--probe-path", defaultValue = "/api/agents",
      description = "A GET route of the target's policy requiring --probe-scope (default: ${DEFAULT-VALUE}).")
  String probePath;

  @Option(names = "--probe-scope", defaultValue = "agents:read", description = "Default: ${DEFAULT-VALUE}.")
  String probeScope;

  @Option(names = "--vary-client-address", arity = "1", defaultValue = "true",
      description = "Send a fresh X-Forwarded-For with each attack; list the suite's address in the target's "
          + "server.trustedProxies so attacks meet authentication, not the limiter (default: ${DEFAULT-VALUE}).")
  boolean varyClientAddress;

  @Option(names = "--failed-auth-burst", defaultValue = "10",
      description = "The target's limits.failedAuthentication burst (default: ${DEFAULT-VALUE}).")
  int failedAuthBurst;

  @Option(names = "--callback-host", defaultValue = "127.0.0.1",
      description = "Address of this machine the target can reach for the throwaway issuer's JWKS "
          + "(the target accepts http only on loopback; default: ${DEFAULT-VALUE}).")
  String callbackHost;

  @Override
  public Integer call() throws Exception {
    if (target == null || admin == null || adminTokenFile == null) {
      System.err.println("gatehouse-gate: --target, --admin and --admin-token-file are required");
      return 2;
    }
    String token = Files.readString(adminTokenFile, StandardCharsets.UTF_8).trim();
    if (token.isEmpty()) {
      System.err.println("gatehouse-gate: the admin token file is empty");
      return 2;
    }
    SuiteOptions options = new SuiteOptions(probePath, probeScope, varyClientAddress, failedAuthBurst, callbackHost);
    Deployment deployment = new Deployment(target, admin, token);
    List<CaseResult> results;
    List<String> cleanup;
    try (Session session = Session.open(deployment, options)) {
      results = BlackBoxSuite.runAll(session);
      session.close();
      cleanup = session.cleanupProblems();
    } catch (Exception e) {
      System.err.println("gatehouse-gate: cannot set up the throwaway workspace: " + e.getMessage());
      return 2;
    }
    List<String> summary = new ArrayList<>(List.of("target: " + target, "admin: " + admin,
        "finished: " + Instant.now()));
    cleanup.forEach(p -> summary.add("cleanup problem: " + p));
    GateReport report = BlackBoxSuite.report(results, BlackBoxSuite.register(), summary);
    ReportFiles.writeAll(report, reportDir);
    for (CaseResult r : results) {
      System.out.println(r.outcome().name() + " " + r.testCase().id() + " " + r.testCase().threats()
          + (r.message().isEmpty() ? "" : " - " + r.message()));
    }
    long failed = results.stream().filter(r -> r.outcome() == Outcome.FAILED).count();
    System.out.println("gatehouse-gate: " + report.verdict() + " (" + failed + " of " + results.size()
        + " cases failed; reports in " + reportDir + ")");
    return report.passed() ? 0 : 1;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /**
   * Runs the command line and returns the exit status (for tests). A command that cannot even run
   * (a file it cannot read, a deployment it cannot reach) exits 2 with one line, never a stack
   * trace: 1 means the gate ran and found something.
   */
  public static int execute(String... args) {
    return new CommandLine(new GateCommand())
        .setExecutionExceptionHandler((failure, command, parsed) -> {
          command.getErr().println("gatehouse-gate: cannot run: " + failure.getClass().getSimpleName()
              + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
          return 2;
        })
        .execute(args);
  }

  /** The jar's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = GateCommand.class.getPackage().getImplementationVersion();
      return new String[] {"gatehouse-gate " + (v == null ? "development" : v)};
    }
  }
}
