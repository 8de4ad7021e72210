package dev.gatehouse.gateway.egress;

import java.util.Optional;
import java.util.UUID;

/**
 * One model call through the egress listener as it progresses: what the audit event records.
 * Confined to the call's event loop.
 */
final class EgressCall {

  final String requestId = UUID.randomUUID().toString();
  final long startedNanos = System.nanoTime();
  final String clientAddress;
  Optional<ModelApi> api = Optional.empty();
  Optional<EgressCredentials.Holder> holder = Optional.empty();
  Optional<String> model = Optional.empty();
  long tokensIn;
  long tokensOut;
  long costMicros;
  private boolean recorded;
  private boolean settled;

  EgressCall(String clientAddress) {
    this.clientAddress = clientAddress;
  }

  /** True the first time only: a metered call settles once, whichever way it ends. */
  boolean markSettled() {
    if (settled) {
      return false;
    }
    settled = true;
    return true;
  }

  /** True the first time only: a call is recorded once, whichever way it ends. */
  boolean markRecorded() {
    if (recorded) {
      return false;
    }
    recorded = true;
    return true;
  }
}
