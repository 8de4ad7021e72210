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
  /**
   * The cookie that binds a sign-in through an OpenID provider to the browser that started it
   * (the same attributes, 256 random bits, {@code Max-Age} the attempt's lifetime).
   */
  static final String SIGN_IN = "__Host-gatehouse-sign-in";
  /**
   * The security console's session cookie on the admin listener: the same attributes as
   * {@value #NAME} but {@code SameSite=Strict}, and a name of its own, so a session made for one
   * listener is never presented on the other (browsers send cookies to every port of a host).
   */
  public static final String CONSOLE = "__Host-gatehouse-console";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final String ATTRIBUTES = "; Path=/; Secure; HttpOnly; SameSite=Lax";
  private static final String CONSOLE_ATTRIBUTES = "; Path=/; Secure; HttpOnly; SameSite=Strict";

  private SessionCookie() {}

  /** The session id the request carries, if it carries one well-formed session cookie. */
  public static Optional<String> read(HttpServerRequest request) {
    return value(request, NAME);
  }

  /** The console session id the request carries, if it carries one well-formed console cookie. */
  public static Optional<String> readConsole(HttpServerRequest request) {
    return value(request, CONSOLE);
  }

  /** The {@code Set-Cookie} value of a new console session. */
  public static String setConsole(String id) {
    return CONSOLE + "=" + id + CONSOLE_ATTRIBUTES;
  }

  /** The {@code Set-Cookie} value that ends the console cookie. */
  public static String clearConsole() {
    return CONSOLE + "=" + CONSOLE_ATTRIBUTES + "; Max-Age=0";
  }

  /** Whether the request carries a session cookie at all (well-formed or not). */
  public static boolean present(HttpServerRequest request) {
    return request.headers().getAll(HttpHeaders.COOKIE).stream().anyMatch(h -> h.contains(NAME + "="));
  }

  /** The sign-in binding value the request carries, if it carries one well-formed sign-in cookie. */
  static Optional<String> readSignIn(HttpServerRequest request) {
    return value(request, SIGN_IN);
  }

  /** The value of the one cookie {@code name} the request carries, if exactly one, well-formed. */
  private static Optional<String> value(HttpServerRequest request, String name) {
    String found = null;
    for (String header : request.headers().getAll(HttpHeaders.COOKIE)) {
      for (String pair : header.split(";")) {
        String trimmed = pair.trim();
        if (trimmed.startsWith(name + "=")) {
          if (found != null) {
            return Optional.empty();
          }
          found = trimmed.substring(name.length() + 1);
        }
      }
    }
    return found != null && ID.matcher(found).matches() ? Optional.of(found) : Optional.empty();
  }

  static String setSignIn(String binding, java.time.Duration lifetime) {
    return SIGN_IN + "=" + binding + ATTRIBUTES + "; Max-Age=" + lifetime.toSeconds();
  }

  static String clearSignIn() {
    return SIGN_IN + "=" + ATTRIBUTES + "; Max-Age=0";
  }

  static String set(String id) {
    return NAME + "=" + id + ATTRIBUTES;
  }

  static String clear() {
    return NAME + "=" + ATTRIBUTES + "; Max-Age=0";
  }
}
