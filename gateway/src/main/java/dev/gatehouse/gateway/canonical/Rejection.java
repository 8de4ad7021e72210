package dev.gatehouse.gateway.canonical;

/**
 * A request refused by the hygiene rules: a stable {@code key} for the client body
 * ({@code {"error":"<key>"}}), the access log and the audit reason, and the HTTP status.
 * Neither carries anything from the request itself.
 */
public record Rejection(String key, int status) implements Canonicalization {

  /** Not origin-form ({@code http://host/x}, {@code host:443}, {@code *}), or a character a request target may not hold. */
  public static final Rejection MALFORMED_TARGET = new Rejection("malformed_target", 400);
  /** {@code %2F}, {@code %5C}, {@code %00}, {@code %23} in the path ({@code %00}, {@code %23} anywhere). */
  public static final Rejection ENCODED_SEPARATOR = new Rejection("encoded_separator", 400);
  /** A {@code .} or {@code ..} segment, literal or percent-encoded. */
  public static final Rejection DOT_SEGMENT = new Rejection("dot_segment", 400);
  /** An empty path segment ({@code //}) other than one trailing slash. */
  public static final Rejection EMPTY_SEGMENT = new Rejection("empty_segment", 400);
  /** A {@code ;} in the path, literal or encoded (path parameters). */
  public static final Rejection PATH_PARAMETER = new Rejection("path_parameter", 400);
  /** Bad percent syntax, an encoded control character, or encoded bytes that are not strict UTF-8 (overlong forms). */
  public static final Rejection INVALID_ENCODING = new Rejection("invalid_encoding", 400);
  /** A method other than GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS. */
  public static final Rejection METHOD_NOT_ALLOWED = new Rejection("method_not_allowed", 405);
  /** More than one {@code Authorization} header. */
  public static final Rejection DUPLICATE_AUTHORIZATION = new Rejection("duplicate_authorization", 400);
  /** A header name that is not a token or holds {@code _}, a control character in a value, or two {@code Host} headers. */
  public static final Rejection INVALID_HEADER = new Rejection("invalid_header", 400);
  /**
   * Ambiguous body framing: duplicate or non-numeric {@code Content-Length}, or a coding other
   * than chunked. (Both headers together are resolved by the HTTP decoder before this check.)
   */
  public static final Rejection INVALID_FRAMING = new Rejection("invalid_framing", 400);
  /** More than {@code Limits.MAX_HEADER_COUNT} header fields. */
  public static final Rejection TOO_MANY_HEADERS = new Rejection("too_many_headers", 431);
}
