package dev.gatehouse.gateway.socketio;

import java.util.Optional;

/**
 * One Socket.IO v5 packet carried in an Engine.IO v4 message ({@code "4"} followed by the packet),
 * parsed strictly: {@code <type>[<attachments>-][<namespace>,][<ack id>][<json>]}. Only the
 * gateway encodes packets it forwards, so what was checked is what is sent.
 *
 * @param type packet type, {@link #CONNECT} to {@link #BINARY_ACK}
 * @param namespace {@code "/"} unless the packet names another
 * @param ackId the acknowledgement id, or {@code null}
 * @param json the JSON payload as received, {@code ""} when absent; not yet parsed
 */
public record SocketIoPacket(int type, String namespace, Long ackId, String json) {

  public static final int CONNECT = 0;
  public static final int DISCONNECT = 1;
  public static final int EVENT = 2;
  public static final int ACK = 3;
  public static final int CONNECT_ERROR = 4;
  public static final int BINARY_EVENT = 5;
  public static final int BINARY_ACK = 6;
  /** Engine.IO message type that carries a Socket.IO packet. */
  public static final char ENGINE_MESSAGE = '4';
  public static final String DEFAULT_NAMESPACE = "/";
  /** Longest accepted acknowledgement id, in digits (fits a long). */
  private static final int MAX_ACK_DIGITS = 15;

  /** Parses the text after the Engine.IO type; empty when it is not a well-formed packet. */
  public static Optional<SocketIoPacket> parse(String text) {
    if (text.isEmpty() || text.charAt(0) < '0' || text.charAt(0) > '6') {
      return Optional.empty();
    }
    int type = text.charAt(0) - '0';
    int i = 1;
    if (type == BINARY_EVENT || type == BINARY_ACK) {
      int dash = text.indexOf('-', i);
      if (dash < 0) {
        return Optional.empty();
      }
      i = dash + 1;
    }
    String namespace = DEFAULT_NAMESPACE;
    if (i < text.length() && text.charAt(i) == '/') {
      int comma = text.indexOf(',', i);
      namespace = comma < 0 ? text.substring(i) : text.substring(i, comma);
      i = comma < 0 ? text.length() : comma + 1;
    }
    int digits = i;
    while (digits < text.length() && Character.isDigit(text.charAt(digits)) && digits - i <= MAX_ACK_DIGITS) {
      digits++;
    }
    if (digits - i > MAX_ACK_DIGITS) {
      return Optional.empty();
    }
    Long ackId = digits > i ? Long.parseLong(text.substring(i, digits)) : null;
    return Optional.of(new SocketIoPacket(type, namespace, ackId, text.substring(digits)));
  }

  /** The Engine.IO message carrying this packet on the default namespace: {@code 4<type>[<ack>]<json>}. */
  public String encode() {
    return ENGINE_MESSAGE + Integer.toString(type)
        + (DEFAULT_NAMESPACE.equals(namespace) ? "" : namespace + ",")
        + (ackId == null ? "" : ackId.toString())
        + json;
  }
}
