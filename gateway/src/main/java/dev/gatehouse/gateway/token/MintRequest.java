package dev.gatehouse.gateway.token;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** What an administrator asks for: a token for {@code subject} in {@code workspace}. */
public record MintRequest(UUID workspace, String subject, Set<String> scopes, Duration ttl,
    Optional<String> description) {}
