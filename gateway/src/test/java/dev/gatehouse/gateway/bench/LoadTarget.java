package dev.gatehouse.gateway.bench;

import java.util.List;

/**
 * Where a load round sends its {@code GET}s. With bearer tokens, request {@code i} carries token
 * {@code i mod n}, so no single token's rate budget is exhausted; without, no
 * {@code Authorization} header is sent. With a positive {@code pauseMillis}, each connection waits
 * that long before each request (a paced load, below the maximum rate); with 0 it sends the next
 * request as soon as the answer arrives.
 */
record LoadTarget(String name, int port, String path, List<String> bearerTokens, int pauseMillis) {

  LoadTarget {
    bearerTokens = List.copyOf(bearerTokens);
  }

  LoadTarget(String name, int port, String path, List<String> bearerTokens) {
    this(name, port, path, bearerTokens, 0);
  }

  /** This target, each connection pausing {@code millis} before each request. */
  LoadTarget paced(String pacedName, int millis) {
    return new LoadTarget(pacedName, port, path, bearerTokens, millis);
  }

  @Override
  public String toString() {
    return "LoadTarget[" + name + ", port=" + port + ", path=" + path + ", tokens=" + bearerTokens.size() + "]";
  }
}
