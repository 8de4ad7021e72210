package dev.gatehouse.gateway.policy;

import java.util.Map;

/**
 * The route the router chose for a request: its id (what authorization, audit and later stages
 * refer to), its path template as written, and the values of its {@code {param}} segments in
 * canonical (percent-encoded) form.
 */
public record RouteMatch(String routeId, String template, Map<String, String> params) {

  public RouteMatch {
    params = Map.copyOf(params);
  }
}
