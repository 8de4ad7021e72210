package dev.gatehouse.gateway.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.MultiMap;
import java.util.Optional;

/** A {@link RequestTrace} backed by OpenTelemetry spans. */
final class SpanTrace implements RequestTrace {

  /** The W3C trace context headers. */
  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";
  private static final TextMapSetter<MultiMap> HEADERS = (carrier, key, value) -> carrier.set(key, value);

  private final Tracer tracer;
  private final String method;
  private final Span request;
  private final Context parent;
  private Span stage;
  private boolean ended;

  SpanTrace(Tracer tracer, String method, Span request) {
    this.tracer = tracer;
    this.method = method;
    this.request = request;
    this.parent = Context.root().with(request);
  }

  @Override
  public void stage(String name) {
    if (ended) {
      return;
    }
    if (stage != null) {
      stage.end();
    }
    stage = tracer.spanBuilder(name).setParent(parent).setAttribute("gatehouse.stage", name).startSpan();
  }

  @Override
  public Upstream upstream() {
    Span span = tracer.spanBuilder("upstream").setParent(parent).setSpanKind(SpanKind.CLIENT).startSpan();
    return new Upstream() {
      @Override
      public void inject(MultiMap headers) {
        headers.remove(TRACEPARENT);
        headers.remove(TRACESTATE);
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, HEADERS);
      }

      @Override
      public void end(int status, String failure) {
        if (status > 0) {
          span.setAttribute("http.response.status_code", status);
        } else {
          span.setStatus(StatusCode.ERROR, failure);
        }
        span.end();
      }
    };
  }

  @Override
  public void end(String route, boolean allowed, String reason, int status) {
    if (ended) {
      return;
    }
    ended = true;
    if (stage != null) {
      stage.end();
    }
    if (route != null) {
      request.setAttribute("http.route", route);
      request.updateName(method + " " + route);
    }
    request.setAttribute("gatehouse.decision", allowed ? "allow" : "deny");
    request.setAttribute("gatehouse.reason", reason);
    if (status > 0) {
      request.setAttribute("http.response.status_code", status);
    }
    if (status >= 500) {
      request.setStatus(StatusCode.ERROR);
    }
    request.end();
  }

  @Override
  public Optional<String> traceId() {
    return Optional.of(request.getSpanContext().getTraceId());
  }
}
