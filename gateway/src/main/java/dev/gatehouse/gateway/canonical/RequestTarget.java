package dev.gatehouse.gateway.canonical;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Parses an origin-form request target and applies RFC 3986 syntax-based normalization once
 * (§6.2.2.1 upper-case hex, §6.2.2.2 decode unreserved). Anything whose meaning could differ
 * between the gateway and the runtime is refused instead of normalized: dot segments, empty
 * segments, encoded separators, path parameters, non-UTF-8 encodings.
 */
final class RequestTarget {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RequestTarget() {}

  static Canonicalization parse(String method, String raw) {
    // Origin-form only (RFC 9112 §3.2.1). Absolute-form (GET http://evil/x), authority-form
    // (CONNECT host:443) and asterisk-form (OPTIONS *) would be routed as one thing and forwarded
    // as another (Traefik CVE-2026-88009).
    if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
      return Rejection.MALFORMED_TARGET;
    }
    int q = raw.indexOf('?');
    String rawPath = q < 0 ? raw : raw.substring(0, q);
    StringBuilder path = new StringBuilder(rawPath.length());
    Rejection problem = normalizePath(rawPath, path);
    if (problem != null) {
      return problem;
    }
    String query = "";
    if (q >= 0) {
      StringBuilder normalized = new StringBuilder(raw.length() - q);
      problem = normalizeQuery(raw, q + 1, normalized);
      if (problem != null) {
        return problem;
      }
      query = normalized.toString();
    }
    String canonicalPath = path.toString();
    String forward = query.isEmpty() ? canonicalPath : canonicalPath + '?' + query;
    return new CanonicalRequest(method, canonicalPath, forward, query);
  }

  private static Rejection normalizePath(String rawPath, StringBuilder out) {
    int length = rawPath.length();
    if (length == 1) {
      out.append('/');
      return null;
    }
    int start = 1;
    while (start <= length) {
      int end = rawPath.indexOf('/', start);
      if (end < 0) {
        end = length;
      }
      out.append('/');
      if (end == start) {
        // An empty segment: only a trailing slash is allowed. "//x" is read as a host by some
        // URL parsers and as "/x" by others.
        if (end == length) {
          return null;
        }
        return Rejection.EMPTY_SEGMENT;
      }
      int segmentStart = out.length();
      Rejection problem = normalizeSegment(rawPath, start, end, out);
      if (problem != null) {
        return problem;
      }
      if (isDotSegment(out, segmentStart)) {
        // Dot segments are refused, not resolved: a client that sends them is probing for a
        // normalization difference (Envoy CVE-2019-9901, Traefik CVE-2025-32431).
        return Rejection.DOT_SEGMENT;
      }
      if (end == length) {
        return null;
      }
      start = end + 1;
    }
    return null;
  }

  private static Rejection normalizeSegment(String raw, int start, int end, StringBuilder out) {
    boolean highBytes = false;
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int b = decodeOctet(raw, i, end);
        if (b < 0) {
          return Rejection.INVALID_ENCODING;
        }
        i += 2;
        if (b == '/' || b == '\\' || b == 0 || b == '#') {
          // Encoded separators would be decoded into a different path by the runtime or a later
          // proxy (Envoy CVE-2021-29492); NUL truncates strings in C-based stacks.
          return Rejection.ENCODED_SEPARATOR;
        }
        if (b == ';') {
          return Rejection.PATH_PARAMETER;
        }
        if (b < 0x20 || b == 0x7f) {
          return Rejection.INVALID_ENCODING;
        }
        highBytes |= b >= 0x80;
        appendOctet(b, out);
      } else if (c == ';') {
        // Path parameters: Tomcat and Spring strip them, Express keeps them ("/public;/../admin").
        return Rejection.PATH_PARAMETER;
      } else if (isPathChar(c)) {
        out.append(c);
      } else {
        // Space, controls, non-ASCII, backslash (read as "/" by WHATWG URL parsers), '#' (a
        // fragment, HAProxy CVE-2023-45539), brackets, quotes...
        return Rejection.MALFORMED_TARGET;
      }
    }
    if (highBytes && !isStrictUtf8(raw, start, end)) {
      // Overlong forms such as %c0%af decode to '/' in lenient decoders.
      return Rejection.INVALID_ENCODING;
    }
    return null;
  }

  private static Rejection normalizeQuery(String raw, int start, StringBuilder out) {
    int end = raw.length();
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int b = decodeOctet(raw, i, end);
        if (b < 0) {
          return Rejection.INVALID_ENCODING;
        }
        i += 2;
        if (b == 0 || b == '#') {
          return Rejection.ENCODED_SEPARATOR;
        }
        appendOctet(b, out);
      } else if (isPathChar(c) || c == ';' || c == '/' || c == '?') {
        out.append(c);
      } else {
        return Rejection.MALFORMED_TARGET;
      }
    }
    return null;
  }

  /** The octet of "%XY" at {@code i}, or -1 when the two hex digits are missing. */
  private static int decodeOctet(String raw, int i, int end) {
    if (i + 2 >= end) {
      return -1;
    }
    int hi = hexValue(raw.charAt(i + 1));
    int lo = hexValue(raw.charAt(i + 2));
    return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
  }

  /** ASCII hex only: {@code Character.digit} would also accept non-ASCII digits. */
  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Unreserved octets are written as characters; all others as %XY with upper-case hex. */
  private static void appendOctet(int b, StringBuilder out) {
    if (isUnreserved(b)) {
      out.append((char) b);
    } else {
      out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
    }
  }

  private static boolean isDotSegment(StringBuilder out, int from) {
    int n = out.length() - from;
    return (n == 1 && out.charAt(from) == '.') || (n == 2 && out.charAt(from) == '.' && out.charAt(from + 1) == '.');
  }

  private static boolean isStrictUtf8(String raw, int start, int end) {
    ByteBuffer bytes = ByteBuffer.allocate(end - start);
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        bytes.put((byte) decodeOctet(raw, i, end));
        i += 2;
      } else {
        bytes.put((byte) c);
      }
    }
    bytes.flip();
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes);
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  /** RFC 3986 pchar without '%' (handled by the caller) and without ';' (refused in paths). */
  private static boolean isPathChar(char c) {
    return isUnreserved(c) || c == ':' || c == '@' || c == '!' || c == '$' || c == '&' || c == '\''
        || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == '=';
  }
}
