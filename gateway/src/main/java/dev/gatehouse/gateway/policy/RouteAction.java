package dev.gatehouse.gateway.policy;

/** What a route does once matched. */
public enum RouteAction {
  /** Authenticated callers holding every scope of the route pass. */
  ALLOW,
  /** Refused for everyone (403 once authenticated); for runtime endpoints that must never be reached. */
  DENY,
  /** No authentication needed (runtime health); a presented but invalid credential is still refused. */
  PUBLIC
}
