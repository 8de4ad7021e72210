package dev.gatehouse.gateway.policy;

import java.util.Optional;

/** The outcome of {@link RoutePolicy#authorize}: granted on a route, or refused with a stable key. */
public sealed interface AccessDecision {

  /** The request may proceed on this route. */
  record Granted(RouteMatch match) implements AccessDecision {}

  /**
   * Refused. {@code key} and {@code status} are what the client sees
   * ({@code {"error":"<key>"}}); {@code reason} is the finer audit reason; {@code routeId} is
   * the matched route, if any.
   */
  record Refused(String key, int status, String reason, Optional<String> routeId) implements AccessDecision {

    /** No credential and the route is not public (also when no route matches: nothing is revealed). */
    static Refused unauthenticated(Optional<String> routeId) {
      return new Refused("unauthorized", 401, "no_credentials", routeId);
    }

    /** Authenticated, but no route matches the method and path: deny by default. */
    static Refused noRoute() {
      return new Refused("not_found", 404, "no_route", Optional.empty());
    }

    /** The route is an explicit deny. */
    static Refused denied(String routeId) {
      return new Refused("forbidden", 403, "route_denied", Optional.of(routeId));
    }

    /** The caller lacks at least one scope the route requires. */
    static Refused missingScope(String routeId) {
      return new Refused("forbidden", 403, "missing_scope", Optional.of(routeId));
    }
  }
}
