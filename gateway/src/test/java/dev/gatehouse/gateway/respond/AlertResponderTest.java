package dev.gatehouse.gateway.respond;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.RuleLoader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertResponderTest {

  private static final List<RuleDefinition> SHIPPED = new RuleLoader().loadShipped();

  private static RuleDefinition rule(String id) {
    return SHIPPED.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void theTargetIsReadFromTheAlertsEntity() {
    assertEquals(Optional.of("abc-123"), AlertResponder.entityValue(rule("D05"), "jti=abc-123", "jti"));
    assertEquals(Optional.of("203.0.113.9"),
        AlertResponder.entityValue(rule("D01"), "client_address=203.0.113.9", "client_address"));
  }

  @Test
  void aResponseWhoseTargetTheEntityLacksFindsNone() {
    assertEquals(Optional.empty(), AlertResponder.entityValue(rule("D01"), "client_address=203.0.113.9", "jti"));
    assertEquals(Optional.empty(), AlertResponder.entityValue(rule("D02"), "subject=jti=forged", "jti"),
        "a subject that looks like a jti entity is not one");
  }
}
