package dev.gatehouse.gateway.reload;

import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.policy.PolicyException;
import dev.gatehouse.gateway.policy.PolicyLoader;
import dev.gatehouse.gateway.policy.RoutePolicy;
import dev.gatehouse.gateway.server.Gateway;
import java.util.List;

/**
 * What a node applies without a restart: the route policy ({@code policy.file}), the detection
 * rules (the shipped ones plus {@code detector.rulesDirectory}) and the rate budgets
 * ({@code limits.*}). Everything else in the configuration is read at start only.
 */
public record LiveSettings(RoutePolicy policy, List<RuleDefinition> rules, GatewayConfig.Budgets limits) {

  public LiveSettings {
    rules = List.copyOf(rules);
  }

  /**
   * Reads the files {@code config} names (blocking file I/O).
   *
   * @throws ConfigException naming the key, and the file and line of the first problem
   */
  public static LiveSettings load(GatewayConfig config) {
    return new LiveSettings(policy(config), Gateway.detectionRules(config), config.limits());
  }

  /**
   * The policy of {@code policy.file}, or the shipped elizaOS policy without one.
   *
   * @throws ConfigException naming {@code policy.file} and the file, line and route of the problem
   */
  public static RoutePolicy policy(GatewayConfig config) {
    try {
      return config.policyFile().isPresent()
          ? new PolicyLoader().load(config.policyFile().get())
          : new PolicyLoader().loadDefault();
    } catch (PolicyException e) {
      throw new ConfigException("policy.file", e.getMessage());
    }
  }
}
