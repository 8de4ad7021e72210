package dev.gatehouse.gate.blackbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Path, header and message-framing tricks on the main listener, sent raw. Path and header tricks
 * carry a valid token, so a refusal proves the request hygiene stage and not authentication.
 * Framing tricks smuggle a second request without a credential: whatever the target does with the
 * framing, no request without a credential may be answered 2xx.
 */
final class RequestCases {

  private RequestCases() {}

  static List<Case> all() {
    return List.of(
        new Case("BB-PATH", "path confusion refused before routing", List.of("T-HYG-001"), RequestCases::paths),
        new Case("BB-TARGET", "non-origin targets and tunnelling methods refused", List.of("T-HYG-002"),
            RequestCases::targets),
        new Case("BB-HEADER", "header injection, underscore names and duplicate credentials refused",
            List.of("T-HYG-003", "T-HYG-005"), RequestCases::headers),
        new Case("BB-SMUGGLE", "ambiguous framing never lets a request without a credential through",
            List.of("T-HYG-006"), RequestCases::smuggling));
  }

  private static void paths(Session s) throws Exception {
    String base = s.options.probePath();
    List<String> problems = new ArrayList<>();
    for (String target : List.of(base + "/..%2f..%2fsystem%2fenv", base + "/%2e%2e/x", base + "/../" + base,
        base + "%2fx", base + "%5cx", base + "/a%00", base + "#frag", base + "%23x", base + ";x=1", "/" + base,
        base + "/%c0%afx", base + "//x")) {
      RawHttp.Exchange e = RawHttp.send(s.target.main(), "GET " + target + " HTTP/1.1\r\nHost: "
          + RawHttp.hostHeader(s.target.main()) + "\r\nAuthorization: Bearer " + s.token + "\r\n"
          + forwarded(s) + "Connection: close\r\n\r\n");
      if (e.first() != 400) {
        problems.add(target + ": first status " + e.first() + ", expected 400");
      }
    }
    Session.fail("BB-PATH", problems);
    s.controls("BB-PATH");
  }

  private static void targets(Session s) throws Exception {
    String host = RawHttp.hostHeader(s.target.main());
    String auth = "Authorization: Bearer " + s.token + "\r\n" + forwarded(s);
    List<String> problems = new ArrayList<>();
    Map<String, String> requests = Map.of(
        "absolute-form", "GET http://" + host + s.options.probePath() + " HTTP/1.1\r\nHost: " + host + "\r\n",
        "opaque-form", "GET http:" + s.options.probePath() + " HTTP/1.1\r\nHost: " + host + "\r\n",
        "asterisk-form", "OPTIONS * HTTP/1.1\r\nHost: " + host + "\r\n",
        "authority-form", "CONNECT " + host + " HTTP/1.1\r\nHost: " + host + "\r\n",
        "trace", "TRACE " + s.options.probePath() + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (Map.Entry<String, String> r : requests.entrySet()) {
      RawHttp.Exchange e = RawHttp.send(s.target.main(), r.getValue() + auth + "Connection: close\r\n\r\n");
      if (e.first() != 400 && e.first() != 405) {
        problems.add(r.getKey() + ": first status " + e.first() + ", expected 400 or 405");
      }
    }
    Session.fail("BB-TARGET", problems);
  }

  private static void headers(Session s) throws Exception {
    String start = "GET " + s.options.probePath() + " HTTP/1.1\r\nHost: " + RawHttp.hostHeader(s.target.main())
        + "\r\n" + forwarded(s);
    String auth = "Authorization: Bearer " + s.token + "\r\n";
    Map<String, String> requests = Map.of(
        "duplicate-authorization", auth + auth,
        "underscore-name", auth + "X_Forwarded_For: 10.0.0.1\r\n",
        "bare-cr-in-value", auth + "X-Note: a\rb\r\n",
        "nul-in-value", auth + "X-Note: a\u0000b\r\n",
        "space-before-colon", auth + "X-Note : a\r\n");
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> r : requests.entrySet()) {
      RawHttp.Exchange e = RawHttp.send(s.target.main(), start + r.getValue() + "Connection: close\r\n\r\n");
      if (e.first() != 400) {
        problems.add(r.getKey() + ": first status " + e.first() + ", expected 400");
      }
    }
    // RFC 9112 lets a server unfold obs-fold into the previous value; it must never read the
    // continuation line as a header of its own, here a credential.
    RawHttp.Exchange folded = RawHttp.send(s.target.main(), start + "X-Note: a\r\n " + auth.trim()
        + "\r\nConnection: close\r\n\r\n");
    if (folded.first() / 100 == 2 || folded.first() < 0) {
      problems.add("obs-fold: a folded continuation line was read as a credential (first status " + folded.first() + ")");
    }
    Session.fail("BB-HEADER", problems);
    s.controls("BB-HEADER");
  }

  private static void smuggling(Session s) throws Exception {
    String host = RawHttp.hostHeader(s.target.main());
    String smuggled = "GET " + s.options.probePath() + " HTTP/1.1\r\nHost: " + host + "\r\n" + Session.MARKER
        + ": attack-BB-SMUGGLE\r\n\r\n";
    String head = "POST " + s.options.probePath() + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer "
        + s.token + "\r\n" + forwarded(s);
    Map<String, String> framings = new java.util.LinkedHashMap<>();
    framings.put("CL.TE", head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled);
    framings.put("TE.CL", head + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
        + Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n");
    framings.put("duplicate-CL", head + "Content-Length: 0\r\nContent-Length: " + smuggled.length() + "\r\n\r\n"
        + smuggled);
    framings.put("empty-CL", head + "Content-Length:\r\n\r\n" + smuggled);
    framings.put("TE-not-chunked", head + "Transfer-Encoding: identity\r\n\r\n" + smuggled);
    framings.put("TE-chunked-twice", head + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n" + smuggled);
    framings.put("TE-obfuscated", head + "Transfer-Encoding : chunked\r\nContent-Length: 0\r\n\r\n" + smuggled);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> f : framings.entrySet()) {
      RawHttp.Exchange e = RawHttp.send(s.target.main(), f.getValue());
      // Only the first request carries a credential; any later answer belongs to the smuggled one.
      List<Integer> later = e.statuses().subList(Math.min(1, e.statuses().size()), e.statuses().size());
      if (later.stream().anyMatch(st -> st / 100 == 2)) {
        problems.add(f.getKey() + ": a request without a credential was answered 2xx " + e.statuses());
      }
    }
    Session.fail("BB-SMUGGLE", problems);
    s.controls("BB-SMUGGLE");
  }

  private static String forwarded(Session s) {
    return s.options.varyClientAddress() ? "X-Forwarded-For: " + Session.freshAddress() + "\r\n" : "";
  }
}
