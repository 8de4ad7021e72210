package dev.gatehouse.gateway.canonical;

import dev.gatehouse.gateway.limit.Limits;
import io.vertx.core.MultiMap;
import java.util.Map;

/** The header hygiene rules: each refuses a request whose headers two parsers could read differently. */
final class HeaderRules {

  private HeaderRules() {}

  /** The first rule the headers break, or {@code null}. */
  static Rejection check(MultiMap headers) {
    int fields = 0;
    int authorization = 0;
    int host = 0;
    int contentLength = 0;
    int transferEncoding = 0;
    for (Map.Entry<String, String> header : headers) {
      if (++fields > Limits.MAX_HEADER_COUNT) {
        return Rejection.TOO_MANY_HEADERS;
      }
      String name = header.getKey();
      String value = header.getValue();
      if (!isFieldName(name) || !isFieldValue(value)) {
        return Rejection.INVALID_HEADER;
      }
      if (name.equalsIgnoreCase("Authorization")) {
        authorization++;
      } else if (name.equalsIgnoreCase("Host")) {
        host++;
      } else if (name.equalsIgnoreCase("Content-Length")) {
        contentLength++;
        if (!isDigits(value)) {
          return Rejection.INVALID_FRAMING;
        }
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        transferEncoding++;
        if (!value.trim().equalsIgnoreCase("chunked")) {
          return Rejection.INVALID_FRAMING;
        }
      }
    }
    if (authorization > 1) {
      // Two credentials: one stage could check the first while another uses the last
      // (Envoy CVE-2021-32777). Never "last wins".
      return Rejection.DUPLICATE_AUTHORIZATION;
    }
    if (host > 1) {
      return Rejection.INVALID_HEADER;
    }
    if (contentLength > 1 || transferEncoding > 1 || (contentLength > 0 && transferEncoding > 0)) {
      // Request smuggling: the gateway and the runtime must agree where the body ends
      // (HAProxy CVE-2023-25725, CVE-2023-40225).
      return Rejection.INVALID_FRAMING;
    }
    return null;
  }

  /**
   * An RFC 9110 token without '_': WSGI, PHP and CGI backends turn '_' into '-', so
   * {@code X_Forwarded_For} would slip past a filter on {@code X-Forwarded-For}
   * (oauth2-proxy CVE-2025-64484, Traefik CVE-2026-39858).
   */
  private static boolean isFieldName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^`|~".indexOf(c) >= 0;
      if (!token) {
        return false;
      }
    }
    return true;
  }

  /**
   * No CR, LF, NUL or other control character except horizontal tab: a value carrying a line
   * break would start a new header or request when written upstream (Envoy CVE-2023-27493).
   */
  private static boolean isFieldValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigits(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
