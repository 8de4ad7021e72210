package dev.gatehouse.gateway.authn;

import dev.gatehouse.gateway.limit.Limits;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;

/**
 * Finds the bearer token of a request, before any parsing. Rules: exactly one
 * {@code Authorization} header; scheme {@code Bearer} (case-insensitive); at most
 * {@link #MAX_TOKEN_CHARS} characters; a token in the query string ({@code access_token}) is
 * refused, since URLs end up in logs and histories.
 */
public final class BearerCredentials {

  /** Longer tokens are refused unparsed (a Gatehouse token is well under 2 KiB). */
  public static final int MAX_TOKEN_CHARS = Limits.MAX_TOKEN_LENGTH;
  static final String QUERY_PARAMETER = "access_token";
  private static final String BEARER = "bearer ";

  private BearerCredentials() {}

  /** Either the token, or a result (not applicable / rejected) that ends authentication here. */
  public record Extracted(Optional<String> token, AuthnResult result) {}

  public static Extracted extract(HttpServerRequest request) {
    String query = request.query();
    if (query != null && (query.startsWith(QUERY_PARAMETER + "=") || query.contains("&" + QUERY_PARAMETER + "="))) {
      return new Extracted(Optional.empty(), AuthnResult.rejected("token_in_query"));
    }
    List<String> values = request.headers().getAll(HttpHeaders.AUTHORIZATION);
    if (values.isEmpty()) {
      return new Extracted(Optional.empty(), AuthnResult.NOT_APPLICABLE);
    }
    if (values.size() > 1) {
      return new Extracted(Optional.empty(), AuthnResult.rejected("duplicate_authorization"));
    }
    String value = values.get(0);
    if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return new Extracted(Optional.empty(), AuthnResult.NOT_APPLICABLE);
    }
    String token = value.substring(BEARER.length()).strip();
    if (token.length() > MAX_TOKEN_CHARS) {
      return new Extracted(Optional.empty(), AuthnResult.rejected("token_too_large"));
    }
    return new Extracted(Optional.of(token), null);
  }
}
