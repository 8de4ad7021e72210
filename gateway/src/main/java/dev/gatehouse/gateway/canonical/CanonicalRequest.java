package dev.gatehouse.gateway.canonical;

/**
 * A request that passed the hygiene rules, in its one canonical form.
 *
 * <p>{@code path} is the normalized path: percent-encoded unreserved characters decoded
 * ({@code %7e} → {@code ~}), every other percent-encoding kept with upper-case hex
 * ({@code %c3%a9} → {@code %C3%A9}); no dot segments, no empty segments except one trailing
 * slash, no encoded separators. Route matching uses exactly this string.
 *
 * <p>{@code forwardTarget} is {@code path}, plus {@code ?query} when the query is not empty: the
 * exact request target to send upstream, so what was authorized is what is forwarded.
 *
 * <p>{@code query} is the normalized query without {@code ?} ({@code ""} when absent). It is
 * never used for routing or authorization, and it must never be logged: it can carry secrets.
 */
public record CanonicalRequest(String method, String path, String forwardTarget, String query)
    implements Canonicalization {

  @Override
  public String toString() {
    return "CanonicalRequest[method=" + method + ", path=" + path + "]";
  }
}
