package dev.gatehouse.gateway.tracing;

import dev.gatehouse.gateway.config.GatewayConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;

/**
 * Request tracing with OpenTelemetry, exported over OTLP/HTTP (protobuf) to
 * {@code tracing.endpoint}. Off by default: then {@link #off()} creates no SDK object and every
 * exchange gets {@link RequestTrace#NONE}.
 *
 * <p>A request's {@code traceparent} is honoured only when the connection comes from a trusted
 * proxy ({@code server.trustedProxies}); from anyone else the request starts a new trace, so a
 * client can neither join a trace nor force sampling. A sampled-or-not decision follows the
 * trusted parent; new traces are sampled with {@code tracing.sampleRatio}. The call to the runtime
 * carries the gateway's own {@code traceparent}.
 */
public final class Tracing {

  /** {@code service.name} of the exported spans. */
  public static final String SERVICE_NAME = "gatehouse";
  /** Spans are exported in batches at least this often. */
  public static final Duration EXPORT_DELAY = Duration.ofSeconds(1);

  private static final Tracing OFF = new Tracing(null, null);
  private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(MultiMap carrier) {
      return carrier.names();
    }

    @Override
    public String get(MultiMap carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  private Tracing(SdkTracerProvider provider, Tracer tracer) {
    this.provider = provider;
    this.tracer = tracer;
  }

  /** No tracing: no SDK object exists. */
  public static Tracing off() {
    return OFF;
  }

  /** Tracing as configured: {@link #off()} unless {@code settings.enabled()}. */
  public static Tracing start(GatewayConfig.Tracing settings, String nodeId) {
    if (!settings.enabled()) {
      return OFF;
    }
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
        AttributeKey.stringKey("service.name"), SERVICE_NAME,
        AttributeKey.stringKey("service.instance.id"), nodeId)));
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(settings.endpoint().toString())
        .build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(resource)
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(EXPORT_DELAY).build())
        .build();
    return new Tracing(provider, provider.get("dev.gatehouse.gateway"));
  }

  /** Whether spans are recorded. */
  public boolean enabled() {
    return provider != null;
  }

  /**
   * Starts the trace of one exchange.
   *
   * @param trustedPeer whether the connection comes from a trusted proxy, whose
   *     {@code traceparent} is then adopted as the parent
   */
  public RequestTrace begin(HttpServerRequest request, boolean trustedPeer) {
    if (provider == null) {
      return RequestTrace.NONE;
    }
    Context parent = trustedPeer
        ? W3CTraceContextPropagator.getInstance().extract(Context.root(), request.headers(), HEADERS)
        : Context.root();
    Span span = tracer.spanBuilder(request.method().name())
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute("http.request.method", request.method().name())
        .startSpan();
    return new SpanTrace(tracer, request.method().name(), span);
  }

  /** Exports what is still buffered and stops the exporter. */
  public Future<Void> close() {
    if (provider == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    provider.shutdown().whenComplete(done::tryComplete);
    return done.future();
  }
}
