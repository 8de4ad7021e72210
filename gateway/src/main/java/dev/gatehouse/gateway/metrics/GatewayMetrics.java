package dev.gatehouse.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The gateway's own meters beside the audit writer's, plus Micrometer's JVM and process binders
 * (memory, GC, threads, class loading, processor, uptime, file descriptors). Prometheus names in
 * brackets; every label value comes from a bounded set:
 *
 * <ul>
 *   <li>{@value #REQUESTS} counter, labels {@code route}, {@code decision}, {@code status}
 *       [{@code gatehouse_requests_total}]: main-listener exchanges.
 *   <li>{@value #REQUEST_DURATION} timer, labels {@code route}, {@code decision},
 *       {@code status_class} [{@code gatehouse_request_duration_seconds}], with the buckets of
 *       {@link #LATENCY_BUCKETS}.
 *   <li>{@value #UPSTREAM_DURATION} timer, labels {@code route}, {@code outcome}
 *       [{@code gatehouse_upstream_duration_seconds}]: from sending a request to the runtime to
 *       the head of its answer, or to the failure.
 *   <li>{@value #UPSTREAM_ERRORS} counter, labels {@code route}, {@code reason}
 *       [{@code gatehouse_upstream_errors_total}]: requests the runtime did not answer.
 *   <li>{@value #SOCKETS_OPEN} gauge [{@code gatehouse_socketio_sockets_open}].
 *   <li>{@value #RUNTIMES_RUNNING} gauge [{@code gatehouse_runtimes_running}]: dedicated runtimes
 *       running (0 when the gateway runs none).
 *   <li>{@value #DETECTOR_LAG} gauge [{@code gatehouse_detector_lag_events}]: this node's durable
 *       audit events the detector has not read yet.
 * </ul>
 *
 * <p>{@code route} is the id of the policy route the router chose (or one of the gateway's own
 * route ids, or {@value #NO_ROUTE}); a raw path never becomes a label value. {@code decision} is
 * {@code allow} or {@code deny}; {@code status} is the HTTP status sent ({@value #NO_STATUS} when
 * the client left before one was sent).
 */
public final class GatewayMetrics implements AutoCloseable {

  /** Meter name. */
  public static final String REQUESTS = "gatehouse.requests";
  /** Meter name. */
  public static final String REQUEST_DURATION = "gatehouse.request.duration";
  /** Meter name. */
  public static final String UPSTREAM_DURATION = "gatehouse.upstream.duration";
  /** Meter name. */
  public static final String UPSTREAM_ERRORS = "gatehouse.upstream.errors";
  /** Meter name. */
  public static final String SOCKETS_OPEN = "gatehouse.socketio.sockets.open";
  /** Meter name. */
  public static final String RUNTIMES_RUNNING = "gatehouse.runtimes.running";
  /** Meter name. */
  public static final String DETECTOR_LAG = "gatehouse.detector.lag";

  /** Route label of an exchange no route matched (refused before or at routing). */
  public static final String NO_ROUTE = "none";
  /** Status label of an exchange whose client left before a status was sent. */
  public static final String NO_STATUS = "none";

  /**
   * Latency histogram buckets (upper bounds): 5, 10, 25, 50, 100, 250 and 500 ms, then 1, 2.5, 5,
   * 10, 30 and 60 s (the default response timeout).
   */
  public static final List<Duration> LATENCY_BUCKETS = List.of(
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(60));
  private static final Duration[] BUCKETS = LATENCY_BUCKETS.toArray(new Duration[0]);

  private final MeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  /**
   * The meters of each label combination seen, so that recording an exchange is a map lookup
   * rather than building and registering a meter id; as bounded as the labels.
   */
  private final Map<ExchangeLabels, ExchangeMeters> exchangeMeters = new ConcurrentHashMap<>();
  private final Map<UpstreamLabels, Timer> upstreamTimers = new ConcurrentHashMap<>();

  private record ExchangeLabels(String route, boolean allowed, int status) {}

  private record ExchangeMeters(Counter requests, Timer duration) {}

  private record UpstreamLabels(String route, String outcome) {}

  /** Binds the JVM and process meters to {@code registry}. */
  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /**
   * Records one finished main-listener exchange.
   *
   * @param route the route id (see the class documentation), or null for none
   * @param status the status sent, or 0 when none was
   */
  public void exchange(String route, boolean allowed, int status, long nanos) {
    ExchangeMeters meters = exchangeMeters.computeIfAbsent(
        new ExchangeLabels(route == null ? NO_ROUTE : route, allowed, status), this::exchangeMeters);
    meters.requests().increment();
    meters.duration().record(nanos, TimeUnit.NANOSECONDS);
  }

  private ExchangeMeters exchangeMeters(ExchangeLabels labels) {
    String decision = labels.allowed() ? "allow" : "deny";
    return new ExchangeMeters(
        Counter.builder(REQUESTS).description("Main-listener requests by route, decision and status")
            .tag("route", labels.route()).tag("decision", decision).tag("status", statusLabel(labels.status()))
            .register(registry),
        Timer.builder(REQUEST_DURATION).description("Main-listener request latency")
            .tag("route", labels.route()).tag("decision", decision).tag("status_class", statusClass(labels.status()))
            .serviceLevelObjectives(BUCKETS)
            .register(registry));
  }

  /**
   * Records one call to the runtime: {@code status} of its answer, or 0 when it failed, with the
   * failure's key in {@code failure} ({@code upstream_timeout}, {@code upstream_unreachable}, or
   * {@code client_closed} when the client left first). The {@code outcome} label is the status
   * class or that key; the two {@code upstream_*} failures also count in {@value #UPSTREAM_ERRORS}.
   */
  public void upstream(String route, int status, String failure, long nanos) {
    String routeLabel = route == null ? NO_ROUTE : route;
    String outcome = status > 0 ? statusClass(status) : failure;
    upstreamTimers.computeIfAbsent(new UpstreamLabels(routeLabel, outcome), labels -> Timer.builder(UPSTREAM_DURATION)
            .description("Time from sending a request to the runtime to its answer or failure")
            .tag("route", labels.route()).tag("outcome", labels.outcome())
            .serviceLevelObjectives(BUCKETS)
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (status <= 0 && failure.startsWith("upstream_")) {
      Counter.builder(UPSTREAM_ERRORS).description("Requests the runtime did not answer")
          .tag("route", routeLabel).tag("reason", failure)
          .register(registry).increment();
    }
  }

  /** Samples the number of open Socket.IO sockets. */
  public void socketsOpen(IntSupplier open) {
    Gauge.builder(SOCKETS_OPEN, open, IntSupplier::getAsInt).strongReference(true)
        .description("Socket.IO sockets open on this node").register(registry);
  }

  /** Samples the number of dedicated runtimes running. */
  public void runtimesRunning(IntSupplier running) {
    Gauge.builder(RUNTIMES_RUNNING, running, IntSupplier::getAsInt).strongReference(true)
        .description("Dedicated runtimes running on this node").register(registry);
  }

  /** Samples how many of this node's durable audit events the detector has not read yet. */
  public void detectorLag(LongSupplier lag) {
    Gauge.builder(DETECTOR_LAG, lag, LongSupplier::getAsLong).strongReference(true).baseUnit("events")
        .description("Durable audit events of this node the detector has not read yet").register(registry);
  }

  /** Stops the GC notifications. */
  @Override
  public void close() {
    gc.close();
  }

  static String statusLabel(int status) {
    if (status <= 0) {
      return NO_STATUS;
    }
    return status >= 100 && status <= 599 ? Integer.toString(status) : "other";
  }

  static String statusClass(int status) {
    if (status <= 0) {
      return NO_STATUS;
    }
    return status >= 100 && status <= 599 ? (status / 100) + "xx" : "other";
  }
}
