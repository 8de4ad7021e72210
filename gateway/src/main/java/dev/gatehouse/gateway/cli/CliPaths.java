package dev.gatehouse.gateway.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Encodes user input placed in an admin-API path or query, so it cannot change the path. */
final class CliPaths {

  private CliPaths() {}

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
