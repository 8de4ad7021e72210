package dev.gatehouse.gateway.console;

import dev.gatehouse.auditdetector.checkpoint.Checkpoint;
import dev.gatehouse.auditdetector.verify.VerificationRange;
import dev.gatehouse.auditdetector.verify.VerificationReport;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /console/integrity?since=} (admins only, as the API's verification): each node's hash
 * chain verified over the events of the last {@code since} (default {@value #DEFAULT_SINCE}, at
 * most 90 days): the sequence range walked, events and signed checkpoints checked, the last signed
 * checkpoint in that range, and the first broken link or gap found.
 */
final class Integrity implements ConsolePage {

  static final String PATH = Console.PATH + "/integrity";
  static final String DEFAULT_SINCE = "24h";

  private final ConsoleSources sources;
  private final Views views;

  Integrity(ConsoleSources sources, Views views) {
    this.sources = sources;
    this.views = views;
  }

  @Override
  public void mount(Router console) {
    console.get("/integrity").handler(this::integrity);
  }

  private void integrity(RoutingContext ctx) {
    Analyst analyst = ctx.get(Analyst.KEY);
    if (!analyst.admin()) {
      views.error(ctx, 403);
      return;
    }
    Duration since;
    String sinceText;
    try {
      Query q = new Query(ctx.queryParams(), Set.of("since"));
      sinceText = q.text("since") == null ? DEFAULT_SINCE : q.text("since");
      since = q.duration("since") == null ? Duration.ofHours(24) : q.duration("since");
    } catch (IllegalArgumentException e) {
      views.error(ctx, 400);
      return;
    }
    VerificationRange range = new VerificationRange(null, null, sources.clock().instant().minus(since), null);
    sources.chain().verifyAll(range).compose(reports -> {
      List<Future<List<Checkpoint>>> checkpoints = new ArrayList<>();
      reports.forEach(report -> checkpoints.add(report.eventsChecked() == 0 ? Future.succeededFuture(List.of())
          : sources.checkpoints().load(report.nodeId(), report.fromSeq(), report.toSeq())));
      return Future.all(checkpoints).map(all -> {
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
          nodes.add(node(reports.get(i), checkpoints.get(i).result()));
        }
        return nodes;
      });
    }).onComplete(done -> {
      if (done.failed()) {
        views.unavailable(ctx, done.cause());
      } else {
        Map<String, Object> model = new HashMap<>();
        model.put("nodes", done.result());
        model.put("since", sinceText);
        model.put("ok", done.result().stream().allMatch(node -> Boolean.TRUE.equals(node.get("ok"))));
        views.page(ctx, "integrity", model);
      }
    });
  }

  private static Map<String, Object> node(VerificationReport report, List<Checkpoint> checkpoints) {
    Map<String, Object> node = new HashMap<>();
    node.put("node", report.nodeId());
    node.put("fromSeq", report.fromSeq());
    node.put("toSeq", report.toSeq());
    node.put("events", report.eventsChecked());
    node.put("checkpointsChecked", report.checkpointsChecked());
    node.put("ok", report.intact());
    report.brokenLink().ifPresent(link -> node.put("broken", Map.of("seq", link.seq(), "kind", link.kind().name(),
        "detail", link.detail())));
    if (!checkpoints.isEmpty()) {
      Checkpoint last = checkpoints.get(checkpoints.size() - 1);
      node.put("checkpoint", Map.of("seq", last.seq(), "at", last.createdAt().toString(), "key", last.keyId()));
    }
    return node;
  }
}
