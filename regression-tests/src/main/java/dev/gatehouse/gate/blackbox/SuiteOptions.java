package dev.gatehouse.gate.blackbox;

/**
 * How the suite probes a deployment.
 *
 * @param probePath          a GET route of the target's policy that needs the {@code probeScope}
 * @param probeScope         the scope the throwaway token is minted with
 * @param varyClientAddress  send a fresh documentation address in {@code X-Forwarded-For} with each
 *                           attack, so that a target that trusts the suite as a proxy answers every
 *                           attack by authentication rather than by its failed-authentication limiter
 * @param failedAuthBurst    the target's failed-authentication burst ({@code limits.failedAuthentication})
 * @param callbackHost       address the suite's callback listener binds to and the target can reach
 */
public record SuiteOptions(String probePath, String probeScope, boolean varyClientAddress, int failedAuthBurst,
    String callbackHost) {

  public static SuiteOptions defaults() {
    return new SuiteOptions("/api/agents", "agents:read", true, 10, "127.0.0.1");
  }
}
