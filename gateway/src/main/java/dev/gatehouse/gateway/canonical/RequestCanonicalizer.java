package dev.gatehouse.gateway.canonical;

import io.vertx.core.MultiMap;
import java.util.Set;

/**
 * The first stage of every request: one strict parse and one RFC 3986 normalization, producing
 * the {@link CanonicalRequest} that routing, authorization and forwarding all use, so what is
 * authorized is exactly what is forwarded. Anything ambiguous is refused with a stable
 * {@link Rejection} rather than repaired.
 *
 * <h3>Rules, and the attack each stops</h3>
 * <table>
 *   <caption>Request hygiene</caption>
 *   <tr><th>rule</th><th>key</th><th>stops</th></tr>
 *   <tr><td>method is GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS</td><td>method_not_allowed (405)</td>
 *       <td>TRACE (cross-site tracing), CONNECT tunnels through the gateway</td></tr>
 *   <tr><td>target is origin-form ({@code /...})</td><td>malformed_target</td>
 *       <td>absolute-form routed as "/" but forwarded verbatim (Traefik CVE-2026-88009)</td></tr>
 *   <tr><td>no raw {@code #}, {@code \}, space, control or non-ASCII character</td><td>malformed_target</td>
 *       <td>fragment tricks past deny rules (Envoy CVE-2021-32779, HAProxy CVE-2023-45539); backslash read as slash</td></tr>
 *   <tr><td>no {@code %2F %5C %00 %23} in the path, no {@code %00 %23} in the query</td><td>encoded_separator</td>
 *       <td>path policy bypass by encoded separators (Envoy CVE-2021-29492, Traefik CVE-2025-66490)</td></tr>
 *   <tr><td>no {@code .} or {@code ..} segment, however encoded</td><td>dot_segment</td>
 *       <td>{@code /public/../admin} (Envoy CVE-2019-9901, Oathkeeper GHSA-p224-6x5r-fjpm, Traefik CVE-2025-32431)</td></tr>
 *   <tr><td>no empty segment but a trailing slash</td><td>empty_segment</td>
 *       <td>{@code //host/x} read as a network path; {@code //x} matched by one router as {@code /x}</td></tr>
 *   <tr><td>no {@code ;} in the path</td><td>path_parameter</td>
 *       <td>{@code /public;/../admin} where a backend strips path parameters</td></tr>
 *   <tr><td>valid percent syntax, strict UTF-8, no encoded control character</td><td>invalid_encoding</td>
 *       <td>overlong UTF-8 ({@code %c0%af} = "/" to lenient decoders); CR/LF smuggled through a path parameter</td></tr>
 *   <tr><td>hex upper-cased, unreserved characters decoded</td><td>—</td>
 *       <td>{@code /%61dmin} or {@code %7e} escaping a literal match</td></tr>
 *   <tr><td>at most {@code Limits.MAX_HEADER_COUNT} header fields</td><td>too_many_headers (431)</td>
 *       <td>CPU spent by every later stage on header floods</td></tr>
 *   <tr><td>header names are tokens without {@code _}; values hold no control character</td><td>invalid_header</td>
 *       <td>{@code X_Forwarded_For} read as {@code X-Forwarded-For} (oauth2-proxy CVE-2025-64484); header injection (Envoy CVE-2023-27493)</td></tr>
 *   <tr><td>at most one {@code Authorization}, one {@code Host}</td><td>duplicate_authorization, invalid_header</td>
 *       <td>first-vs-last value confusion (Envoy CVE-2021-32777)</td></tr>
 *   <tr><td>one numeric {@code Content-Length} or one {@code Transfer-Encoding: chunked}, never both</td><td>invalid_framing</td>
 *       <td>request smuggling (HAProxy CVE-2021-40346, CVE-2023-25725)</td></tr>
 * </table>
 *
 * <p>A message carrying both {@code Content-Length} and {@code Transfer-Encoding: chunked} never
 * reaches this check: the HTTP decoder resolves it as RFC 9112 §6.3 requires of an intermediary
 * (chunked wins, {@code Content-Length} is removed), and the proxy re-frames the body it sends,
 * so the runtime never sees the ambiguous framing.
 *
 * The query is syntax-checked and normalized but never used for routing or authorization
 * (oauth2-proxy CVE-2025-54576). All keys have status 400 unless noted.
 *
 * <p>Stateless and thread-safe. Never throws: every input, however malformed, ends in a
 * {@link CanonicalRequest} or a {@link Rejection}.
 */
public final class RequestCanonicalizer {

  /** The methods any route may use; everything else is refused before routing. */
  public static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /**
   * @param method the request method as received (case-sensitive: {@code get} is refused)
   * @param rawTarget the request target exactly as received ({@code HttpServerRequest.uri()})
   * @param headers the request headers as received (not null)
   */
  public Canonicalization canonicalize(String method, String rawTarget, MultiMap headers) {
    if (method == null || !METHODS.contains(method)) {
      return Rejection.METHOD_NOT_ALLOWED;
    }
    Rejection headerProblem = HeaderRules.check(headers);
    if (headerProblem != null) {
      return headerProblem;
    }
    return RequestTarget.parse(method, rawTarget);
  }
}
