package dev.gatehouse.gateway.bench;

import java.util.List;

/**
 * Where a load round sends its {@code GET}s. With bearer tokens, request {@code i} carries token
 * {@code i mod n}, so no single token's rate budget is exhausted; without, no
 * {@code Authorization} header is sent.
 */
record LoadTarget(String name, int port, String path, List<String> bearerTokens) {

  LoadTarget {
    bearerTokens = List.copyOf(bearerTokens);
  }

  @Override
  public String toString() {
    return "LoadTarget[" + name + ", port=" + port + ", path=" + path + ", tokens=" + bearerTokens.size() + "]";
  }
}
