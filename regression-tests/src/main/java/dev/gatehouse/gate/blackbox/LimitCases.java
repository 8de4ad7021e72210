package dev.gatehouse.gate.blackbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Rate budgets: one address guessing tokens, and one token flooding from many addresses, are
 * answered 429 once their burst is spent.
 */
final class LimitCases {

  private LimitCases() {}

  /** Requests sent at once with one token: a per-token burst of 100 refilled at 50/s needs over 6 s to serve them all. */
  static final int FLOOD = 400;

  static List<Case> all() {
    return List.of(new Case("BB-LIMIT-AUTH", "failed authentications from one address are rate limited",
            List.of("T-AUTH-011"), LimitCases::failedAuthentication),
        new Case("BB-LIMIT-TOKEN", "one token flooding from many addresses is rate limited", List.of("T-DOS-002"),
            LimitCases::tokenFlood));
  }

  /**
   * A token of its own (the shared one must stay usable) sends {@link #FLOOD} requests at once,
   * each from a fresh address so only the per-token budget can answer: some must get 429 with
   * Retry-After and a generic body, and none may fail with a server error.
   */
  private static void tokenFlood(Session s) throws Exception {
    String token = s.mint("gate-flood-" + s.runId, "5m").path("token").asText();
    List<Map<String, String>> headers = new ArrayList<>();
    for (int i = 0; i < FLOOD; i++) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Authorization", "Bearer " + token);
      h.put(Session.MARKER, "control-BB-LIMIT-TOKEN-" + i);
      if (s.options.varyClientAddress()) {
        h.put("X-Forwarded-For", Session.freshAddress());
      }
      headers.add(h);
    }
    List<Reply> replies = s.target.getAll(s.options.probePath(), headers);
    List<String> problems = new ArrayList<>();
    List<Reply> limited = replies.stream().filter(r -> r.status() == 429).toList();
    long ok = replies.stream().filter(Reply::ok).count();
    if (limited.isEmpty()) {
      problems.add("no 429 among " + FLOOD + " simultaneous requests with one token (" + ok + " answered 2xx)");
    }
    if (ok == 0) {
      problems.add("no request of the flood was served, so the token never worked");
    }
    if (replies.stream().anyMatch(r -> r.status() >= 500)) {
      problems.add("the flood caused server errors");
    }
    if (limited.stream().anyMatch(r -> r.headers().firstValue("Retry-After").isEmpty() || !Session.genericBody(r))) {
      problems.add("a 429 lacks Retry-After or the generic body");
    }
    Session.fail("BB-LIMIT-TOKEN", problems);
  }

  private static void failedAuthentication(Session s) throws Exception {
    String address = s.options.varyClientAddress() ? Session.freshAddress() : null;
    int burst = s.options.failedAuthBurst();
    List<Integer> statuses = new ArrayList<>();
    Reply limited = null;
    for (int i = 0; i < burst + 3 && limited == null; i++) {
      Reply r = s.probe("Bearer guess-" + UUID.randomUUID(), "", "attack-BB-LIMIT-AUTH-" + i, address);
      statuses.add(r.status());
      if (r.status() == 429) {
        limited = r;
      }
    }
    List<String> problems = new ArrayList<>();
    if (limited == null) {
      problems.add("no 429 after " + statuses.size() + " failed authentications from one address " + statuses);
    } else {
      if (limited.headers().firstValue("Retry-After").isEmpty()) {
        problems.add("the 429 has no Retry-After");
      }
      if (!Session.genericBody(limited)) {
        problems.add("the 429 body is not the generic {\"error\": key}");
      }
    }
    Session.fail("BB-LIMIT-AUTH", problems);
  }
}
