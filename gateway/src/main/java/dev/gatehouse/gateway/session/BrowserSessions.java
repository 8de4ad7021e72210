package dev.gatehouse.gateway.session;

/**
 * What the request pipeline needs for people in a browser: the session store, the sign-in
 * endpoints, and the origin check for cookie-authenticated requests.
 */
public record BrowserSessions(Sessions sessions, SessionEndpoints endpoints, OriginCheck origins) {}
