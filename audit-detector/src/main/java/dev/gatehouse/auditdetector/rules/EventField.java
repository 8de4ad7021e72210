package dev.gatehouse.auditdetector.rules;

import dev.gatehouse.auditdetector.event.AuditEvent;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A field a rule can read, by its audit-schema name ({@code reason_key}, {@code client_address},
 * {@code resource_ids.agentId}, ...) or one of the derived names below. Every value is read as
 * text; an absent value is {@code null}.
 *
 * <p>Derived fields: {@code client_network} (the IPv4 /24 or IPv6 /48 of the client address),
 * {@code resource_ids} (all resource ids as {@code name=value} joined by {@code &}, {@code null}
 * when there are none), {@code utc_hour} ({@code 0}–{@code 23}), {@code utc_day_of_week}
 * ({@code monday}–{@code sunday}), {@code tokens} (input plus output tokens of a model call) and {@code seq_gap} (sequence numbers missing before the event in
 * its node's chain, {@code null} when none are).
 *
 * @param name the name used in rule files
 * @param reader reads the value from an event
 */
public record EventField(String name, Function<DetectionEvent, String> reader) {

  private static final String RESOURCE_PREFIX = "resource_ids.";
  /** Status codes as text, built once: rules compare the status on nearly every event. */
  private static final String[] STATUS_TEXT = new String[AuditEvent.MAX_STATUS + 1];

  static {
    for (int status = AuditEvent.MIN_STATUS; status <= AuditEvent.MAX_STATUS; status++) {
      STATUS_TEXT[status] = Integer.toString(status);
    }
  }

  private static final Map<String, Function<DetectionEvent, String>> READERS = Map.ofEntries(
      Map.entry("node_id", DetectionEvent::nodeId),
      Map.entry("seq", e -> e.seq() == 0 ? null : Long.toString(e.seq())),
      Map.entry("seq_gap", e -> e.seqGap() == 0 ? null : Long.toString(e.seqGap())),
      Map.entry("event_id", e -> e.event().eventId().toString()),
      Map.entry("kind", e -> e.event().kind().wireName()),
      Map.entry("request_id", e -> e.event().requestId()),
      Map.entry("decision", e -> e.event().decision().wireName()),
      Map.entry("reason_key", e -> e.event().reasonKey()),
      Map.entry("status", e -> e.event().status() == null ? null : STATUS_TEXT[e.event().status()]),
      Map.entry("subject", e -> e.event().subject()),
      Map.entry("workspace", e -> e.event().workspace()),
      Map.entry("jti", e -> e.event().tokenId()),
      Map.entry("client_address", e -> e.event().clientAddress()),
      Map.entry("client_network", e -> network(e.event().clientAddress())),
      Map.entry("user_agent", e -> e.event().userAgent()),
      Map.entry("method", e -> e.event().method()),
      Map.entry("route_id", e -> e.event().routeId()),
      Map.entry("path_template", e -> e.event().pathTemplate()),
      Map.entry("resource_ids", e -> resources(e.event())),
      Map.entry("message_type", e -> e.event().messageType()),
      Map.entry("latency_us", e -> Long.toString(e.event().latencyMicros())),
      Map.entry("bytes_in", e -> Long.toString(e.event().bytesIn())),
      Map.entry("bytes_out", e -> Long.toString(e.event().bytesOut())),
      Map.entry("agent", e -> e.event().modelCall() == null ? null : e.event().modelCall().agent()),
      Map.entry("provider", e -> e.event().modelCall() == null ? null : e.event().modelCall().provider()),
      Map.entry("model", e -> e.event().modelCall() == null ? null : e.event().modelCall().model()),
      Map.entry("tokens_in", e -> e.event().modelCall() == null ? null : Long.toString(e.event().modelCall().tokensIn())),
      Map.entry("tokens_out", e -> e.event().modelCall() == null ? null : Long.toString(e.event().modelCall().tokensOut())),
      Map.entry("tokens", e -> e.event().modelCall() == null ? null
          : Long.toString(e.event().modelCall().tokensIn() + e.event().modelCall().tokensOut())),
      Map.entry("cost_micros", e -> e.event().modelCall() == null ? null : Long.toString(e.event().modelCall().costMicros())),
      Map.entry("utc_hour", e -> Integer.toString(e.event().timestamp().atOffset(ZoneOffset.UTC).getHour())),
      Map.entry("utc_day_of_week", e -> e.event().timestamp().atOffset(ZoneOffset.UTC).getDayOfWeek()
          .name().toLowerCase(Locale.ROOT)));

  /**
   * Resolves a field name.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static EventField named(String name) {
    if (name.startsWith(RESOURCE_PREFIX)) {
      String variable = name.substring(RESOURCE_PREFIX.length());
      if (!AuditEvent.RESOURCE_NAME_PATTERN.matcher(variable).matches()) {
        throw new IllegalArgumentException("invalid resource id name in field " + name);
      }
      return new EventField(name, e -> e.event().resourceIds().get(variable));
    }
    Function<DetectionEvent, String> reader = READERS.get(name);
    if (reader == null) {
      throw new IllegalArgumentException("unknown field " + name);
    }
    return new EventField(name, reader);
  }

  /** Fields are equal by name, which determines the reader (a reloaded rule equals the running one). */
  @Override
  public boolean equals(Object other) {
    return other instanceof EventField field && field.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  /** The value of this field in {@code event}, or {@code null}. */
  public String read(DetectionEvent event) {
    return reader.apply(event);
  }

  private static String resources(AuditEvent event) {
    if (event.resourceIds().isEmpty()) {
      return null;
    }
    StringBuilder joined = new StringBuilder();
    for (Map.Entry<String, String> entry : event.resourceIds().entrySet()) {
      if (joined.length() > 0) {
        joined.append('&');
      }
      joined.append(entry.getKey()).append('=').append(entry.getValue());
    }
    return joined.toString();
  }

  private static String network(String address) {
    if (address == null) {
      return null;
    }
    if (address.indexOf(':') < 0) {
      int lastDot = address.lastIndexOf('.');
      return lastDot < 0 ? address : address.substring(0, lastDot) + ".0/24";
    }
    String[] groups = address.split(":", -1);
    return groups.length < 3 ? address : groups[0] + ":" + groups[1] + ":" + groups[2] + "::/48";
  }
}
