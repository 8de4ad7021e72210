package dev.gatehouse.auditdetector.rules;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What to do when a rule opens an alert. {@code automatic} responses run at once; suggested ones
 * are listed on the alert for a responder to take.
 *
 * @param action the action
 * @param automatic run at once (true) or only suggest (false)
 * @param duration how long a {@link Action#BLOCK_ADDRESS block} lasts; {@code null} for other actions
 */
public record RuleResponse(Action action, boolean automatic, Duration duration) {

  /** Actions a rule may name, by their rule-file names. */
  public enum Action {
    /** Revoke the token of the alert's {@code jti} entity field. */
    REVOKE_TOKEN,
    /** Lock the workspace of the alert. */
    LOCK_WORKSPACE,
    /** Block the alert's {@code client_address} entity field for {@code duration}. */
    BLOCK_ADDRESS,
    /** POST a JSON summary of the alert to the configured webhook. */
    WEBHOOK;

    /** The rule-file name, e.g. {@code revoke_token}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a rule-file name.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static Action fromWireName(String value) {
      for (Action action : values()) {
        if (action.wireName().equals(value)) {
          return action;
        }
      }
      throw new IllegalArgumentException("unknown response action " + value);
    }
  }

  /** Validates: a block needs a positive duration, other actions take none. */
  public RuleResponse {
    Objects.requireNonNull(action, "action");
    if ((action == Action.BLOCK_ADDRESS) != (duration != null)
        || (duration != null && (duration.isNegative() || duration.isZero()))) {
      throw new IllegalArgumentException("block_address needs a duration; other responses take none");
    }
  }

  /** {@code automatic} or {@code suggested}. */
  public String mode() {
    return automatic ? "automatic" : "suggested";
  }
}
