package dev.gatehouse.gateway.cli;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.LocalDate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse usage}: settled model calls per workspace, agent, provider, model and UTC day,
 * through the admin API. Exit codes as for {@link WorkspaceCommand}.
 */
@Command(
    name = "usage",
    mixinStandardHelpOptions = true,
    description = "Model-call usage per workspace, agent, provider, model and day (UTC).",
    footer = {
        "",
        "Examples:",
        "  gatehouse usage",
        "  gatehouse usage --workspace WORKSPACE --since 2026-12-01",
        "  gatehouse usage --workspace WORKSPACE --agent AGENT --json",
        "",
        "Exit codes: 0 success, 1 refused or unreachable, 2 bad usage or missing token file."})
public final class UsageCommand extends FormattedCall {

  @Option(names = "--workspace", paramLabel = "WORKSPACE")
  String workspace;
  @Option(names = "--agent", paramLabel = "AGENT")
  String agent;
  @Option(names = "--since", paramLabel = "DAY", description = "First day, YYYY-MM-DD (default: 30 days ago).")
  LocalDate since;

  @Override
  public Integer call() {
    StringBuilder query = new StringBuilder();
    append(query, "workspace", workspace);
    append(query, "agent", agent);
    append(query, "since", since == null ? null : since.toString());
    return print("GET", "/egress/usage" + query, null, page -> {
      TextTable table = new TextTable("DAY", "WORKSPACE", "AGENT", "PROVIDER", "MODEL", "REQUESTS", "TOKENS IN",
          "TOKENS OUT", "COST (USD)");
      for (Object item : page.getJsonArray("usage")) {
        JsonObject u = (JsonObject) item;
        table.row(u.getString("day"), u.getString("workspace"), u.getString("agent"), u.getString("provider"),
            u.getString("model"), String.valueOf(u.getLong("requests")), String.valueOf(u.getLong("tokensIn")),
            String.valueOf(u.getLong("tokensOut")), dollars(u.getLong("costMicros")));
      }
      return table.toString();
    });
  }

  /** Micro-dollars as dollars with six decimals; {@code -} for none. */
  static String dollars(Long micros) {
    return micros == null ? "-" : BigDecimal.valueOf(micros).movePointLeft(6).toPlainString();
  }

  private static void append(StringBuilder query, String name, String value) {
    if (value != null) {
      query.append(query.length() == 0 ? '?' : '&').append(name).append('=')
          .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
