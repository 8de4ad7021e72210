package dev.gatehouse.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.config.GatewayConfig;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

/** Tracing off is a no-op path: no SDK object, the same inert trace for every exchange. */
class TracingTest {

  @Test
  void tracing_off_creates_nothing_and_leaves_headers_alone() {
    Tracing off = Tracing.start(new GatewayConfig.Tracing(false, GatewayConfig.Tracing.DEFAULT_ENDPOINT, 1.0), "node");
    assertSame(Tracing.off(), off);
    assertFalse(off.enabled());
    assertSame(RequestTrace.NONE, off.begin(null, true));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("traceparent", "00-client-trace");
    RequestTrace.NONE.upstream().inject(headers);
    assertTrue(headers.contains("traceparent", "00-client-trace", false));
    assertTrue(RequestTrace.NONE.traceId().isEmpty());
  }
}
