package dev.gatehouse.auditdetector.chain;

import dev.gatehouse.auditdetector.event.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * The canonical byte encoding of a chained audit event, version 1. It is the input of the chain
 * hash and must never change for stored events; a new encoding gets a new magic.
 *
 * <pre>
 * canonical  = magic node_id seq event_id ts kind request_id decision reason_key status
 *              subject workspace jti client_address user_agent method route_id path_template
 *              resource_ids message_type latency_us bytes_in bytes_out [trace_id] [model_call]
 * magic      = the 8 ASCII bytes "GHAUDIT1"
 * trace_id   = a text, appended only when the event has one (so events without one, all those
 *              written before the field existed included, encode as they always did)
 * model_call = 0x02 agent provider model tokens_in tokens_out cost_micros, appended only on
 *              egress events; the tag byte cannot start a text, so it never reads as a trace id
 * tokens_in, tokens_out, cost_micros
 *            = int64, big-endian
 * seq, ts, latency_us, bytes_in, bytes_out
 *            = int64, big-endian; ts is microseconds since 1970-01-01T00:00:00Z
 * event_id   = the UUID's 16 bytes, most significant first
 * status     = 0x00 (null) | 0x01 int32 big-endian
 * every text = 0x00 (null) | 0x01 uint32 big-endian byte length, then the UTF-8 bytes
 *              (kind and decision are their wire names: "http", "allow", ...)
 * resource_ids
 *            = uint32 big-endian entry count, then name value (both as text) per entry,
 *              in ascending order of name (names are ASCII, so UTF-16 and byte order agree)
 * </pre>
 *
 * <p>The chain hash of the event with sequence {@code n} is
 * {@code SHA-256(hash(n-1) || canonical(n))}, with {@link ChainHash#GENESIS} (32 zero bytes) as
 * {@code hash(0)}. Length prefixes and presence bytes make the encoding injective: two different
 * events never share an encoding.
 *
 * <p>Instances reuse one buffer and are not thread-safe.
 */
public final class CanonicalEncoding {

  /** Leading bytes of every version 1 encoding. */
  public static final byte[] MAGIC = "GHAUDIT1".getBytes(StandardCharsets.US_ASCII);

  private static final byte ABSENT = 0x00;
  private static final byte PRESENT = 0x01;
  private static final byte MODEL_CALL = 0x02;
  private static final int MICROS_PER_SECOND = 1_000_000;
  private static final int NANOS_PER_MICRO = 1_000;

  private byte[] buffer = new byte[1024];
  private int length;

  /** Returns a fresh copy of the canonical encoding. */
  public byte[] encode(String nodeId, long seq, AuditEvent event) {
    fill(nodeId, seq, event);
    return Arrays.copyOf(buffer, length);
  }

  /** Encodes into the internal buffer; read it with {@link #buffer()} and {@link #length()}. */
  void fill(String nodeId, long seq, AuditEvent event) {
    length = 0;
    append(MAGIC);
    text(nodeId);
    int64(seq);
    uuid(event.eventId());
    int64(epochMicros(event.timestamp()));
    text(event.kind().wireName());
    text(event.requestId());
    text(event.decision().wireName());
    text(event.reasonKey());
    optionalInt(event.status());
    text(event.subject());
    text(event.workspace());
    text(event.tokenId());
    text(event.clientAddress());
    text(event.userAgent());
    text(event.method());
    text(event.routeId());
    text(event.pathTemplate());
    int32(event.resourceIds().size());
    for (Map.Entry<String, String> entry : event.resourceIds().entrySet()) {
      text(entry.getKey());
      text(entry.getValue());
    }
    text(event.messageType());
    int64(event.latencyMicros());
    int64(event.bytesIn());
    int64(event.bytesOut());
    if (event.traceId() != null) {
      // Appended only when present, so the events written before trace ids existed keep their hashes.
      text(event.traceId());
    }
    AuditEvent.ModelCall call = event.modelCall();
    if (call != null) {
      byte1(MODEL_CALL);
      text(call.agent());
      text(call.provider());
      text(call.model());
      int64(call.tokensIn());
      int64(call.tokensOut());
      int64(call.costMicros());
    }
  }

  byte[] buffer() {
    return buffer;
  }

  int length() {
    return length;
  }

  /** Microseconds since the epoch, the precision of the {@code ts} column. */
  public static long epochMicros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND),
        instant.getNano() / NANOS_PER_MICRO);
  }

  private void text(String value) {
    if (value == null) {
      byte1(ABSENT);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    byte1(PRESENT);
    int32(utf8.length);
    append(utf8);
  }

  private void optionalInt(Integer value) {
    if (value == null) {
      byte1(ABSENT);
      return;
    }
    byte1(PRESENT);
    int32(value);
  }

  private void uuid(UUID value) {
    int64(value.getMostSignificantBits());
    int64(value.getLeastSignificantBits());
  }

  private void int64(long value) {
    ensure(Long.BYTES);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buffer[length++] = (byte) (value >>> shift);
    }
  }

  private void int32(int value) {
    ensure(Integer.BYTES);
    for (int shift = 24; shift >= 0; shift -= 8) {
      buffer[length++] = (byte) (value >>> shift);
    }
  }

  private void byte1(byte value) {
    ensure(1);
    buffer[length++] = value;
  }

  private void append(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, length, bytes.length);
    length += bytes.length;
  }

  private void ensure(int extra) {
    if (length + extra > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + extra));
    }
  }
}
