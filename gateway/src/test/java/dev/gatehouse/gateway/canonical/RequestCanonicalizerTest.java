package dev.gatehouse.gateway.canonical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vertx.core.MultiMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RequestCanonicalizerTest {

  final RequestCanonicalizer canonicalizer = new RequestCanonicalizer();

  static MultiMap headers(String... nameValuePairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      headers.add(nameValuePairs[i], nameValuePairs[i + 1]);
    }
    return headers;
  }

  Rejection rejected(String method, String target, MultiMap headers) {
    return assertInstanceOf(Rejection.class, canonicalizer.canonicalize(method, target, headers));
  }

  CanonicalRequest accepted(String method, String target, MultiMap headers) {
    return assertInstanceOf(CanonicalRequest.class, canonicalizer.canonicalize(method, target, headers));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      encoded dot-dot %2e%2e                | /public/%2e%2e/admin           | dot_segment
      encoded dot-dot mixed case %2E%2e     | /public/%2E%2e/admin           | dot_segment
      half-encoded dot-dot .%2e             | /public/.%2e/admin             | dot_segment
      dot segment /./                       | /public/./admin                | dot_segment
      dot-dot segment /../                  | /public/../admin               | dot_segment
      trailing dot-dot                      | /public/..                     | dot_segment
      leading dot-dot                       | /../etc/passwd                 | dot_segment
      encoded slash lower %2f               | /api/agents%2f..%2fserver/stop | encoded_separator
      encoded slash upper %2F               | /public%2Fadmin                | encoded_separator
      encoded backslash %5c                 | /public%5c..%5cadmin           | encoded_separator
      encoded backslash upper %5C           | /public%5Cadmin                | encoded_separator
      encoded NUL %00 in path               | /api/agents%00.json            | encoded_separator
      encoded NUL %00 in query              | /api/agents?x=%00              | encoded_separator
      encoded hash %23 in path              | /api/server/stop%23/../x       | encoded_separator
      encoded hash %23 in query             | /api/agents?x=%23              | encoded_separator
      raw fragment #                        | /api/server/stop#/api/agents   | malformed_target
      raw fragment # in query               | /api/agents?x=1#frag           | malformed_target
      double slash //double                 | //double                       | empty_segment
      empty segment inside                  | /api//agents                   | empty_segment
      network-path //evil.example/x         | //evil.example/x               | empty_segment
      absolute-form http://evil/x           | http://evil/x                  | malformed_target
      absolute-form https with path         | https://runtime/api/server/stop | malformed_target
      opaque absolute-form http:http://x    | http:http://x/admin            | malformed_target
      authority-form                        | evil.example:443               | malformed_target
      asterisk-form *                       | *                              | malformed_target
      empty target                          | ''                             | malformed_target
      overlong UTF-8 slash %c0%af           | /public/..%c0%afadmin          | invalid_encoding
      overlong UTF-8 dot %c0%ae%c0%ae       | /public/%c0%ae%c0%ae/admin     | invalid_encoding
      three-byte overlong %e0%80%af         | /a%e0%80%afb                   | invalid_encoding
      lone continuation byte %80            | /a%80                          | invalid_encoding
      truncated percent %2                  | /a%2                           | invalid_encoding
      non-hex percent %zz                   | /a%zz                          | invalid_encoding
      encoded CR LF in path                 | /a%0d%0aX-Injected:1           | invalid_encoding
      raw backslash                         | /public\\admin                 | malformed_target
      raw space                             | /a b                           | malformed_target
      raw non-ASCII                         | /caf\u00e9                     | malformed_target
      raw angle bracket                     | /<script>                      | malformed_target
      path parameter ;                      | /public;/../admin              | path_parameter
      encoded path parameter %3b            | /public%3bjsessionid=1         | path_parameter
      """)
  void path_tricks_are_rejected_with_their_key(String name, String target, String key) {
    assertEquals(key, rejected("GET", target, headers()).key());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      plain path kept                        | /api/agents                   | /api/agents                  | /api/agents
      root                                   | /                             | /                            | /
      trailing slash kept                    | /api/agents/                  | /api/agents/                 | /api/agents/
      tilde %7e decoded                      | /api/%7euser                  | /api/~user                   | /api/~user
      tilde %7E decoded                      | /api/%7Euser                  | /api/~user                   | /api/~user
      unreserved letters decoded %61         | /%61pi/%41gents               | /api/Agents                  | /api/Agents
      hex upper-cased for reserved %3f       | /files/a%3fb                  | /files/a%3Fb                 | /files/a%3Fb
      UTF-8 kept encoded with upper hex      | /caf%c3%a9                    | /caf%C3%A9                   | /caf%C3%A9
      space stays encoded                    | /a%20b                        | /a%20b                       | /a%20b
      triple dot is a name                   | /a/.../b                      | /a/.../b                     | /a/.../b
      dotted file name                       | /media/a.b.png                | /media/a.b.png               | /media/a.b.png
      query normalized, not matched          | /api/agents?x=%2f&y=%7e       | /api/agents                  | /api/agents?x=%2F&y=~
      query keeps slashes and question marks | /a?next=/b?c=d                | /a                           | /a?next=/b?c=d
      empty query dropped                    | /api/agents?                  | /api/agents                  | /api/agents
      """)
  void accepted_targets_are_normalized_once(String name, String target, String path, String forward) {
    CanonicalRequest request = accepted("GET", target, headers());
    assertEquals(path, request.path());
    assertEquals(forward, request.forwardTarget());
  }

  @Test
  void query_is_returned_without_question_mark() {
    assertEquals("roomId=1&count=%2B", accepted("GET", "/api/agents/a/logs?roomId=1&count=%2b", headers()).query());
    assertEquals("", accepted("GET", "/api/agents", headers()).query());
  }

  @Test
  void to_string_never_shows_the_query() {
    CanonicalRequest request = accepted("GET", "/api/agents?apiKey=s3cret", headers());
    assertEquals("CanonicalRequest[method=GET, path=/api/agents]", request.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      TRACE is refused             | TRACE   | /api/agents
      CONNECT is refused           | CONNECT | evil.example:443
      lower-case method is refused | get     | /api/agents
      unknown method is refused    | PROPFIND | /api/agents
      """)
  void methods_outside_the_route_vocabulary_are_refused(String name, String method, String target) {
    Rejection rejection = rejected(method, target, headers());
    assertEquals("method_not_allowed", rejection.key());
    assertEquals(405, rejection.status());
  }

  static Stream<Arguments> headerTricks() {
    MultiMap many = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i <= 100; i++) {
      many.add("X-H" + i, "v");
    }
    return Stream.of(
        Arguments.of("CR LF in header value", headers("X-Note", "a\r\nX-Injected: 1"), "invalid_header"),
        Arguments.of("bare LF in header value", headers("X-Note", "a\nb"), "invalid_header"),
        Arguments.of("bare CR in header value", headers("X-Note", "a\rb"), "invalid_header"),
        Arguments.of("NUL in header value", headers("X-Note", "a\u0000b"), "invalid_header"),
        Arguments.of("header name with underscore", headers("X_Forwarded_For", "1.2.3.4"), "invalid_header"),
        Arguments.of("header name with space", headers("X Note", "a"), "invalid_header"),
        Arguments.of("two Authorization headers",
            headers("Authorization", "Bearer a", "Authorization", "Bearer b"), "duplicate_authorization"),
        Arguments.of("two Authorization headers differing in case",
            headers("authorization", "Bearer a", "AUTHORIZATION", "Bearer b"), "duplicate_authorization"),
        Arguments.of("two Host headers", headers("Host", "a", "Host", "b"), "invalid_header"),
        Arguments.of("Content-Length and Transfer-Encoding",
            headers("Content-Length", "5", "Transfer-Encoding", "chunked"), "invalid_framing"),
        Arguments.of("two Content-Length", headers("Content-Length", "5", "Content-Length", "6"), "invalid_framing"),
        Arguments.of("empty Content-Length", headers("Content-Length", ""), "invalid_framing"),
        Arguments.of("signed Content-Length", headers("Content-Length", "+5"), "invalid_framing"),
        Arguments.of("Transfer-Encoding other than chunked",
            headers("Transfer-Encoding", "gzip, chunked"), "invalid_framing"),
        Arguments.of("more than 100 header fields", many, "too_many_headers"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headerTricks")
  void header_tricks_are_rejected_with_their_key(String name, MultiMap headers, String key) {
    assertEquals(key, rejected("GET", "/api/agents", headers).key());
  }

  @Test
  void too_many_headers_is_431() {
    MultiMap many = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i <= 100; i++) {
      many.add("X-H" + i, "v");
    }
    assertEquals(431, rejected("GET", "/", many).status());
  }

  @Test
  void ordinary_headers_pass() {
    MultiMap ok = headers("Authorization", "Bearer abc", "Host", "gw", "Content-Length", "12",
        "Content-Type", "application/json", "X-Note", "tab\tand obs-text \u00e9");
    assertEquals("/api/agents", accepted("POST", "/api/agents", ok).path());
  }
}
