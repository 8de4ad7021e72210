package dev.gatehouse.gateway.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.ownership.OwnershipRegistry;
import dev.gatehouse.gateway.isolation.Attachments;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The rules for client events on the runtime's Socket.IO server (elizaos-runtime §2). Allowed:
 *
 * <ul>
 *   <li>{@code "1"} (join) with scope {@code messages:read}, {@code "2"} (send) with scope
 *       {@code messages:write}, and the {@code "message"} wrapper {@code {type: 1|2, payload}}
 *       around either;
 *   <li>only when the channel ({@code channelId}, else {@code roomId}, as the runtime reads it),
 *       the message server and every agent named ({@code agentId}; for a send, the direct-message
 *       targets) belong to the caller's workspace, and a send's attachments name only the
 *       workspace's own media ({@link Attachments}).
 * </ul>
 *
 * An allowed event is forwarded rebuilt: the event name and one payload (extra arguments
 * dropped), {@code channelId} and {@code roomId} both set to the checked channel, a send's
 * {@code senderId} set to the caller's entity id, {@code entityId} removed and, from the metadata,
 * {@code originalId} (the runtime would let it override the entity it records), {@code isDm} and
 * {@code channelType} (with either, the runtime announces the caller to its first-loaded agent,
 * whichever workspace owns it). Everything else is refused:
 * log subscriptions ({@code subscribe_logs}, {@code unsubscribe_logs}, {@code update_log_filters}),
 * unknown events, malformed payloads.
 */
final class EventPolicy {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String JOIN = "1";
  static final String SEND = "2";
  static final String WRAPPER = "message";
  static final List<String> LOG_EVENTS = List.of("subscribe_logs", "unsubscribe_logs", "update_log_filters");
  static final String READ_SCOPE = "messages:read";
  static final String WRITE_SCOPE = "messages:write";

  static final String TYPE_JOIN = "socketio.join";
  static final String TYPE_SEND = "socketio.send";
  static final String TYPE_LOGS = "socketio.logs";
  static final String TYPE_UNKNOWN = "socketio.unknown";

  private final ChannelAccess access;

  EventPolicy(ChannelAccess access) {
    this.access = access;
  }

  /**
   * Decides on one EVENT packet of the default namespace. Never fails: an ownership lookup that
   * fails becomes a refusal ({@code ownership_unavailable}).
   */
  Future<Verdict> decide(SocketIoPacket packet, Principal caller, String entityId) {
    JsonArray args;
    try {
      args = new JsonArray(packet.json());
    } catch (DecodeException | ClassCastException e) {
      return done(Verdict.refuse("malformed_event", TYPE_UNKNOWN));
    }
    if (args.isEmpty() || !(args.getValue(0) instanceof String name)) {
      return done(Verdict.refuse("malformed_event", TYPE_UNKNOWN));
    }
    if (LOG_EVENTS.contains(name)) {
      return done(Verdict.refuse("log_subscription_refused", TYPE_LOGS));
    }
    Object payload = args.size() > 1 ? args.getValue(1) : null;
    if (JOIN.equals(name) || SEND.equals(name)) {
      return decideOne(name, payload, caller, entityId)
          .map(checked -> forward(packet, checked, rewritten -> new JsonArray().add(name).add(rewritten)));
    }
    if (WRAPPER.equals(name)) {
      if (!(payload instanceof JsonObject wrapper) || !(wrapper.getValue("type") instanceof Integer type)
          || (type != 1 && type != 2)) {
        return done(Verdict.refuse("malformed_event", TYPE_UNKNOWN));
      }
      return decideOne(type == 1 ? JOIN : SEND, wrapper.getValue("payload"), caller, entityId)
          .map(checked -> forward(packet, checked, rewritten -> new JsonArray().add(WRAPPER)
              .add(new JsonObject().put("type", type).put("payload", rewritten))));
    }
    return done(Verdict.refuse("unknown_event", TYPE_UNKNOWN));
  }

  /** A verdict, plus the rewritten payload when allowed. */
  private record Checked(Verdict verdict, JsonObject rewritten) {

    static Future<Checked> refused(String reason, String type, Map<String, String> ids) {
      return Future.succeededFuture(new Checked(Verdict.refuse(reason, type, ids), null));
    }
  }

  private Future<Checked> decideOne(String event, Object raw, Principal caller, String entityId) {
    boolean join = JOIN.equals(event);
    String type = join ? TYPE_JOIN : TYPE_SEND;
    Map<String, String> ids = new LinkedHashMap<>();
    if (!(raw instanceof JsonObject payload)) {
      return Checked.refused("malformed_event", type, ids);
    }
    String channel = present(payload.getValue("channelId")) ? text(payload.getValue("channelId"))
        : text(payload.getValue("roomId"));
    // A join naming no server joins in the runtime's own (the runtime falls back to it): the
    // elizaOS client never names one there. It is checked, and forwarded, as that server.
    boolean ownServer = join && !present(payload.getValue("messageServerId"));
    String server = ownServer ? OwnershipRegistry.RUNTIME_MESSAGE_SERVER : text(payload.getValue("messageServerId"));
    Object metadata = payload.getValue("metadata");
    if (channel == null || server == null || (metadata != null && !(metadata instanceof JsonObject))) {
      return Checked.refused("malformed_event", type, ids);
    }
    ids.put("channelId", channel);
    ids.put("messageServerId", server);
    if (!caller.hasScope(join ? READ_SCOPE : WRITE_SCOPE)) {
      return Checked.refused("missing_scope", type, ids);
    }
    List<Object> named = new ArrayList<>();
    if (join) {
      named.add(payload.getValue("agentId"));
    } else {
      named.add(payload.getValue("targetUserId"));
      if (metadata instanceof JsonObject meta) {
        named.add(meta.getValue("targetUserId"));
        named.add(meta.getValue("recipientId"));
      }
    }
    List<String> agents = new ArrayList<>();
    for (Object value : named) {
      if (!present(value)) {
        continue;
      }
      if (!(value instanceof String agent)) {
        return Checked.refused("malformed_event", type, ids);
      }
      agents.add(agent);
      ids.putIfAbsent("agentId", agent);
    }
    String workspace = caller.workspace();
    List<Future<Boolean>> checks = new ArrayList<>();
    checks.add(access.ownsChannel(workspace, channel));
    checks.add(access.ownsMessageServer(workspace, server));
    for (String agent : agents) {
      checks.add(access.ownsAgent(workspace, agent));
    }
    return Future.all(checks).transform(all -> {
      if (all.failed()) {
        return Checked.refused("ownership_unavailable", type, ids);
      }
      if (!owned(checks.get(0))) {
        return Checked.refused("channel_not_owned", type, ids);
      }
      if (!owned(checks.get(1))) {
        return Checked.refused("server_not_owned", type, ids);
      }
      if (!checks.stream().allMatch(EventPolicy::owned)) {
        return Checked.refused("agent_not_owned", type, ids);
      }
      JsonObject rewritten = payload.copy()
          .put("channelId", channel)
          .put("roomId", channel);
      // The runtime announces a joiner (a join naming an entity, a send marked as a DM) to the
      // first agent it loaded, whatever workspace owns that agent, which then records rooms and
      // entities naming this workspace's channel. The channel's own type still marks it a DM.
      rewritten.remove("entityId");
      if (ownServer) {
        rewritten.put("messageServerId", server);
      }
      if (!join) {
        rewritten.put("senderId", entityId);
      }
      if (rewritten.getValue("metadata") instanceof JsonObject meta) {
        meta.remove("originalId");
        meta.remove("isDm");
        meta.remove("channelType");
      }
      return Future.succeededFuture(new Checked(Verdict.allow(type, ids, null), rewritten));
    }).compose(checked -> join || !checked.verdict().allowed() ? Future.succeededFuture(checked)
        : attachmentsAllowed(workspace, payload).transform(allowed -> allowed.succeeded() && allowed.result()
            ? Future.succeededFuture(checked)
            : Checked.refused(allowed.failed() ? "ownership_unavailable" : Attachments.REFUSED, type, ids)));
  }

  /** A send's attachments may name only the workspace's own uploaded media (see {@link Attachments}). */
  private Future<Boolean> attachmentsAllowed(String workspace, JsonObject payload) {
    JsonNode tree;
    try {
      tree = JSON.readTree(payload.encode());
    } catch (IOException e) {
      return Future.succeededFuture(false);
    }
    return Attachments.allowed(tree, (kind, id) -> switch (kind) {
      case AGENT -> access.ownsAgent(workspace, id);
      case CHANNEL -> access.ownsChannel(workspace, id);
      case MEDIA -> access.ownsMedia(workspace, id);
      default -> Future.succeededFuture(false);
    });
  }

  private static Verdict forward(SocketIoPacket packet, Checked checked,
      Function<JsonObject, JsonArray> arguments) {
    Verdict verdict = checked.verdict();
    if (!verdict.allowed()) {
      return verdict;
    }
    String message = new SocketIoPacket(SocketIoPacket.EVENT, SocketIoPacket.DEFAULT_NAMESPACE, packet.ackId(),
        arguments.apply(checked.rewritten()).encode()).encode();
    return Verdict.allow(verdict.messageType(), verdict.resourceIds(), message);
  }

  private static boolean owned(Future<Boolean> check) {
    return Boolean.TRUE.equals(check.result());
  }

  /** Present as the runtime's JavaScript sees it: not null, not false, not "" and not 0. */
  private static boolean present(Object value) {
    return value != null && !Boolean.FALSE.equals(value) && !"".equals(value)
        && !(value instanceof Number n && n.doubleValue() == 0);
  }

  private static String text(Object value) {
    return value instanceof String s && !s.isEmpty() ? s : null;
  }

  private static Future<Verdict> done(Verdict verdict) {
    return Future.succeededFuture(verdict);
  }
}
