package dev.gatehouse.gateway.policy;

/**
 * A route policy that cannot be used, reported as one line naming the file, the line, the route
 * and the problem, e.g. {@code policy.yaml, line 12: route agents-get: unknown key 'bnid'}. The gateway does not
 * start with a policy it cannot load: there is no partial or fallback policy.
 */
public final class PolicyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PolicyException(String source, String problem) {
    super(source + ": " + problem);
  }
}
