package dev.gatehouse.gateway.session;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-site request forgery defence for cookie-authenticated requests: one that may change
 * something (any method but {@code GET}, {@code HEAD}, {@code OPTIONS}) must come from the public
 * origin. {@code Origin} decides when present; without it, {@code Sec-Fetch-Site: same-origin}
 * does; with neither, the request is refused (browsers send one or the other on every such
 * request, so only a non-browser client lacks both, and it has no business using a cookie).
 */
public final class OriginCheck {

  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final Optional<URI> publicOrigin;

  /**
   * {@code publicOrigin}: {@code sessions.publicOrigin}; empty means the request's own Host over the
   * listener's scheme ({@code https} when the main listener has TLS). Behind a proxy that ends TLS,
   * set it: the browser's origin is then https while the listener's is not.
   */
  public OriginCheck(Optional<URI> publicOrigin) {
    this.publicOrigin = publicOrigin;
  }

  /** Whether a cookie-authenticated request may go on. */
  public boolean allows(HttpServerRequest request) {
    return SAFE.contains(request.method()) || sameOrigin(request);
  }

  /**
   * Whether a Socket.IO request may go on, whatever its method: a browser's (one that names where
   * it comes from) must come from the public origin, and a cookie-authenticated one must prove it
   * (a WebSocket is not covered by SameSite or CORS). A program that names no origin and holds
   * its own token may connect from anywhere.
   */
  public boolean allowsSocket(HttpServerRequest request, boolean bySession) {
    boolean named = request.getHeader(HttpHeaders.ORIGIN) != null || request.getHeader("Sec-Fetch-Site") != null;
    return !(named || bySession) || sameOrigin(request);
  }

  /** Whether the request provably comes from the public origin (whatever its method). */
  public boolean sameOrigin(HttpServerRequest request) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null) {
      return normalize(origin).map(o -> o.equals(expected(request))).orElse(false);
    }
    return "same-origin".equals(request.getHeader("Sec-Fetch-Site"));
  }

  /** The public origin as people's browsers spell it ({@code scheme://host[:port]}), for links back here. */
  String origin(HttpServerRequest request) {
    return publicOrigin.map(o -> o.toString().endsWith("/") ? o.toString().substring(0, o.toString().length() - 1)
        : o.toString()).orElseGet(() -> listenerOrigin(request));
  }

  private String expected(HttpServerRequest request) {
    return publicOrigin.flatMap(o -> normalize(o.toString()))
        .orElseGet(() -> normalize(listenerOrigin(request)).orElse(""));
  }

  /** The request's own Host over the scheme of the connection it came on. */
  private static String listenerOrigin(HttpServerRequest request) {
    return (request.isSSL() ? "https://" : "http://") + request.getHeader(HttpHeaders.HOST);
  }

  /**
   * {@code scheme://host:port} in lower case with the port spelled out; empty for anything else,
   * any non-ASCII character included (browsers serialize an origin in ASCII, hosts in punycode).
   */
  static Optional<String> normalize(String origin) {
    if (origin.chars().anyMatch(c -> c < 0x21 || c > 0x7E)) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(asciiLowerCase(origin));
      String scheme = uri.getScheme() == null ? "" : uri.getScheme();
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
          || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
        return Optional.empty();
      }
      int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
      return Optional.of(scheme + "://" + uri.getHost() + ":" + port);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static String asciiLowerCase(String ascii) {
    char[] chars = ascii.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] >= 'A' && chars[i] <= 'Z') {
        chars[i] = (char) (chars[i] + ('a' - 'A'));
      }
    }
    return new String(chars);
  }
}
