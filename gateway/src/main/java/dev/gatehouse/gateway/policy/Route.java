package dev.gatehouse.gateway.policy;

import java.util.Set;

/**
 * One route of the policy.
 *
 * @param id unique, stable id used by authorization, logs and audit
 * @param methods the methods the route matches, expanded: {@code *} is every method, and
 *     {@code GET} includes {@code HEAD} (Express answers HEAD with the GET handler, so a rule on
 *     GET alone would leave HEAD to a broader route)
 * @param path the path template
 * @param scopes scopes a caller must all hold ({@link RouteAction#ALLOW} only; empty = any
 *     authenticated caller)
 * @param action what happens once matched
 * @param isolation workspace bindings and response rules ({@link Isolation#NONE} when none)
 * @param websocket whether a WebSocket upgrade is proxied on this route; a WebSocket stream
 *     cannot be held to body or response rules, so elsewhere an upgrade is refused
 */
public record Route(String id, Set<String> methods, PathTemplate path, Set<String> scopes, RouteAction action,
    Isolation isolation, boolean websocket) {

  public Route {
    methods = Set.copyOf(methods);
    scopes = Set.copyOf(scopes);
  }
}
