package dev.gatehouse.gateway.config;

/**
 * One configuration value given outside the file: a dotted key, its text, and where it came
 * from (an environment variable or a flag name) for error messages.
 */
public record Setting(String key, String value, String source) {}
