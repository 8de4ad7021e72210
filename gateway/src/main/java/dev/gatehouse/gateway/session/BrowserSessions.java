package dev.gatehouse.gateway.session;

import dev.gatehouse.gateway.webclient.WebClient;
import java.util.Optional;

/**
 * What the request pipeline needs for people in a browser: the session store, the sign-in
 * endpoints, the origin check for cookie-authenticated requests, and the web client it serves
 * (empty when it serves none).
 */
public record BrowserSessions(Sessions sessions, SessionEndpoints endpoints, OriginCheck origins,
    Optional<WebClient> client) {}
