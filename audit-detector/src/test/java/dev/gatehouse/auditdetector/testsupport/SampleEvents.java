package dev.gatehouse.auditdetector.testsupport;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import java.time.Instant;

/** Realistic audit events as the gateway would build them. */
public final class SampleEvents {

  private SampleEvents() {
  }

  /** An allowed, authenticated HTTP request in {@code workspace}, number {@code i}. */
  public static AuditEvent allowed(int i, String workspace, Instant at) {
    return AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed")
        .timestamp(at)
        .requestId("req-" + i)
        .status(200)
        .principal("user-" + (i % 7), workspace, "jti-" + (i % 11))
        .clientAddress("203.0.113." + (i % 250 + 1))
        .userAgent("gatehouse-test/1.0 (run " + i + ")")
        .method("GET")
        .route("agents.get", "/api/agents/{agentId}")
        .resourceId("agentId", "agent-" + (i % 13))
        .latencyMicros(1_000 + i)
        .bytes(120, 2_048)
        .build();
  }

  /** A denied, unauthenticated HTTP request. */
  public static AuditEvent unauthenticated(int i, Instant at) {
    return AuditEvent.builder(EventKind.HTTP, Decision.DENY, "unauthenticated")
        .timestamp(at)
        .requestId("req-u" + i)
        .status(401)
        .clientAddress("2001:db8::" + Integer.toHexString(i % 4096 + 1))
        .userAgent("curl/8.5.0")
        .method("POST")
        .latencyMicros(90)
        .bytes(0, 35)
        .build();
  }

  /** A denied WebSocket message. */
  public static AuditEvent websocketDenied(int i, String workspace, Instant at) {
    return AuditEvent.builder(EventKind.WEBSOCKET, Decision.DENY, "forbidden_room")
        .timestamp(at)
        .requestId("ws-" + i)
        .principal("user-1", workspace, "jti-ws")
        .clientAddress("198.51.100.7")
        .route("messaging.socket", "/socket.io/")
        .messageType("send_message")
        .resourceId("roomId", "room-" + i)
        .latencyMicros(40)
        .bytes(512, 0)
        .build();
  }

  /** An allowed model call of agent {@code agent} in {@code workspace} through the egress listener. */
  public static AuditEvent egress(int i, String workspace, String agent, Instant at) {
    return AuditEvent.builder(EventKind.EGRESS, Decision.ALLOW, "allowed")
        .timestamp(at)
        .requestId("eg-" + i)
        .status(200)
        .principal("agent:" + agent, workspace, "cred-" + agent)
        .clientAddress("127.0.0.1")
        .userAgent("OpenAI/JS 5.0.0")
        .method("POST")
        .route("egress.openai.chat_completions", "/v1/chat/completions")
        .latencyMicros(250_000 + i)
        .bytes(900, 1_400)
        .modelCall(new AuditEvent.ModelCall(agent, "openai", "gpt-4o-mini", 120 + i, 40, 3_000))
        .build();
  }
}
