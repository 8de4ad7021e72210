package dev.gatehouse.gate.blackbox;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Failed-authentication budget: one address guessing tokens is answered 429 once its burst is spent. */
final class LimitCases {

  private LimitCases() {}

  static List<Case> all() {
    return List.of(new Case("BB-LIMIT-AUTH", "failed authentications from one address are rate limited",
        List.of("T-AUTH-011"), LimitCases::failedAuthentication));
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
