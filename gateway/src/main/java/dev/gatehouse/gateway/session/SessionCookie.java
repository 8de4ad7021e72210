package dev.gatehouse.gateway.session;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The session cookie: {@value #NAME}, {@code Secure}, {@code HttpOnly}, {@code SameSite=Lax},
 * {@code Path=/}, no {@code Domain} (the {@code __Host-} prefix makes browsers insist on all of
 * that) and no {@code Max-Age}, so it ends with the browser too; the server ends it earlier. Its
 * value is the session id: 256 random bits, base64url.
 */
public final class SessionCookie {

  public static final String NAME = "__Host-gatehouse-session";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final String ATTRIBUTES = "; Path=/; Secure; HttpOnly; SameSite=Lax";

  private SessionCookie() {}

  /** The session id the request carries, if it carries one well-formed session cookie. */
  public static Optional<String> read(HttpServerRequest request) {
    String found = null;
    for (String header : request.headers().getAll(HttpHeaders.COOKIE)) {
      for (String pair : header.split(";")) {
        String trimmed = pair.trim();
        if (trimmed.startsWith(NAME + "=")) {
          if (found != null) {
            return Optional.empty();
          }
          found = trimmed.substring(NAME.length() + 1);
        }
      }
    }
    return found != null && ID.matcher(found).matches() ? Optional.of(found) : Optional.empty();
  }

  /** Whether the request carries a session cookie at all (well-formed or not). */
  public static boolean present(HttpServerRequest request) {
    return request.headers().getAll(HttpHeaders.COOKIE).stream().anyMatch(h -> h.contains(NAME + "="));
  }

  static String set(String id) {
    return NAME + "=" + id + ATTRIBUTES;
  }

  static String clear() {
    return NAME + "=" + ATTRIBUTES + "; Max-Age=0";
  }
}
