package dev.gatehouse.gate.cli;

import dev.gatehouse.gate.feed.VulnerabilityDataAge;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse-gate data-age}: refuses a Dependency-Check run made with stale vulnerability data. */
@Command(name = "data-age", mixinStandardHelpOptions = true,
    description = "Exit 1 when a Dependency-Check JSON report was made with vulnerability data older than the limit.")
final class DataAgeCommand implements Callable<Integer> {

  @Option(names = "--report", required = true, description = "dependency-check-report.json")
  Path report;

  @Option(names = "--max-age-days", required = true, description = "Oldest acceptable data, in days.")
  int maxAgeDays;

  @Override
  public Integer call() throws Exception {
    Optional<String> refusal = VulnerabilityDataAge.refusal(report, Duration.ofDays(maxAgeDays), Instant.now());
    if (refusal.isPresent()) {
      System.err.println("gatehouse-gate data-age: refused: " + refusal.get());
      return 1;
    }
    System.out.println("gatehouse-gate data-age: vulnerability data is at most " + maxAgeDays + " days old");
    return 0;
  }
}
