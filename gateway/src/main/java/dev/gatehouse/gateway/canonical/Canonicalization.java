package dev.gatehouse.gateway.canonical;

/**
 * The outcome of {@link RequestCanonicalizer#canonicalize}: the one canonical view of the request
 * that every later stage uses, or the reason it is refused.
 */
public sealed interface Canonicalization permits CanonicalRequest, Rejection {}
