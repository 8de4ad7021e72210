package dev.gatehouse.gateway.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A loaded, validated route policy (see {@link PolicyLoader}): matches a canonical request to at
 * most one route, and decides access on the route the router chose.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>Deterministic matching: the most specific matching route wins (see
 *       {@link PathTemplate}); two routes that could match the same request with equal
 *       specificity are refused when the policy is loaded, so there is never a tie.</li>
 *   <li>Deny by default: no matching route means 404 for an authenticated caller and 401 for
 *       anyone else (an anonymous caller learns nothing about which routes exist).</li>
 *   <li>Authorization looks the route up by the id in the {@link RouteMatch}; it never
 *       re-matches the path (Pomerium CVE-2023-33189).</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class RoutePolicy {

  private final List<Route> routes;
  private final List<Route> bySpecificity;
  private final Map<String, Route> byId;

  RoutePolicy(List<Route> routes) {
    this.routes = List.copyOf(routes);
    List<Route> sorted = new ArrayList<>(routes);
    sorted.sort(Comparator.comparing(Route::path, (a, b) -> b.compareSpecificity(a)));
    this.bySpecificity = List.copyOf(sorted);
    Map<String, Route> ids = new LinkedHashMap<>();
    routes.forEach(route -> ids.put(route.id(), route));
    this.byId = Map.copyOf(ids);
  }

  /** The routes in file order. */
  public List<Route> routes() {
    return routes;
  }

  public Optional<Route> route(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * The route for a canonical request, or empty when none matches.
   *
   * @param method the request method
   * @param path the canonical path ({@code CanonicalRequest.path()}), never the raw target
   */
  public Optional<RouteMatch> match(String method, String path) {
    List<String> segments = PathTemplate.segmentsOf(path);
    for (Route route : bySpecificity) {
      if (!route.methods().contains(method)) {
        continue;
      }
      Map<String, String> params = route.path().match(segments);
      if (params != null) {
        return Optional.of(new RouteMatch(route.id(), route.path().text(), params));
      }
    }
    return Optional.empty();
  }

  /**
   * Decides access, in this order: a public route is granted to anyone; without a credential,
   * 401; without a route, 404; a deny route, 403; a missing scope, 403; otherwise granted.
   *
   * @param match what {@link #match} returned for this request
   * @param grantedScopes the authenticated caller's scopes, or empty when the request carried no
   *     credential (a request with an invalid credential must be refused before this call)
   * @throws IllegalArgumentException if the match names a route this policy does not have
   */
  public AccessDecision authorize(Optional<RouteMatch> match, Optional<Set<String>> grantedScopes) {
    Optional<Route> route = match.map(m -> Optional.ofNullable(byId.get(m.routeId()))
        .orElseThrow(() -> new IllegalArgumentException("no route with id " + m.routeId())));
    if (route.isPresent() && route.get().action() == RouteAction.PUBLIC) {
      return new AccessDecision.Granted(match.get());
    }
    if (grantedScopes.isEmpty()) {
      return AccessDecision.Refused.unauthenticated(route.map(Route::id));
    }
    if (route.isEmpty()) {
      return AccessDecision.Refused.noRoute();
    }
    Route chosen = route.get();
    if (chosen.action() == RouteAction.DENY) {
      return AccessDecision.Refused.denied(chosen.id());
    }
    if (!grantedScopes.get().containsAll(chosen.scopes())) {
      return AccessDecision.Refused.missingScope(chosen.id());
    }
    return new AccessDecision.Granted(match.get());
  }
}
