package dev.gatehouse.gateway.bench;

import dev.gatehouse.gateway.testsupport.Await;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A closed-loop HTTP/1.1 load generator in the same JVM: {@code connections} keep-alive
 * connections, one request in flight on each (no pipelining), each sending its next request as
 * soon as the previous response body has arrived, until the round's deadline. It runs on one
 * event loop of its own Vert.x instance.
 *
 * <p>Every request carries {@code X-Forwarded-For} from a pool of {@value #ADDRESSES} private
 * addresses, so that a gateway trusting the loopback peer as a proxy spreads its per-address
 * budget over them.
 */
final class LoadGenerator implements LoadDriver {

  static final int ADDRESSES = 4096;
  /** A request silent this long fails (and is counted) instead of stalling the round. */
  static final long REQUEST_IDLE_TIMEOUT_MS = 10_000;
  /** How long a round may overrun its deadline while the last responses arrive. */
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

  private final Vertx vertx = Vertx.vertx();
  // Held for the generator's lifetime: Vert.x closes an unreferenced client when it is collected.
  private final HttpClientAgent client;
  private final Context context;
  private final int connections;
  private final String[] forwardedFor = new String[ADDRESSES];

  LoadGenerator(int connections) {
    this.connections = connections;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false),
        new PoolOptions().setHttp1MaxSize(connections));
    this.context = vertx.getOrCreateContext();
    for (int i = 0; i < ADDRESSES; i++) {
      forwardedFor[i] = "10.77." + (i >> 8) + "." + (i & 0xff);
    }
  }

  @Override
  public String description() {
    return connections + " connections, no pipelining, in-process Vert.x client on one event loop";
  }

  @Override
  public boolean paces() {
    return false;
  }

  /** Drives {@code target} for {@code duration}; returns once every connection has stopped. */
  @Override
  public RoundResult run(LoadTarget target, Duration duration) throws Exception {
    Round round = new Round(target, duration);
    context.runOnContext(v -> round.start());
    return round.done.future().toCompletionStage().toCompletableFuture()
        .get(duration.plus(DRAIN_LIMIT).toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws Exception {
    Await.result(client.close());
    Await.result(vertx.close());
  }

  /** One round; every method runs on the generator's event loop. */
  private final class Round {
    private final LoadTarget target;
    private final String[] authorization;
    private final long durationNanos;
    private final Promise<RoundResult> done = Promise.promise();
    private final LatencyRecorder latencies = new LatencyRecorder();
    private final Map<Integer, Long> otherStatuses = new TreeMap<>();
    private final Map<String, Long> failures = new TreeMap<>();
    private long started;
    private long deadline;
    private int active;
    private int issued;
    private long ok;

    Round(LoadTarget target, Duration duration) {
      this.target = target;
      this.durationNanos = duration.toNanos();
      List<String> tokens = target.bearerTokens();
      this.authorization = tokens.stream().map(t -> "Bearer " + t).toArray(String[]::new);
    }

    void start() {
      started = System.nanoTime();
      deadline = started + durationNanos;
      active = connections;
      for (int i = 0; i < connections; i++) {
        next();
      }
    }

    private void next() {
      if (System.nanoTime() - deadline >= 0) {
        if (--active == 0) {
          double seconds = (System.nanoTime() - started) / 1e9;
          done.complete(new RoundResult(ok, seconds, latencies.quantileMillis(0.50), latencies.quantileMillis(0.99),
              otherStatuses, failures));
        }
        return;
      }
      int i = issued++;
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.GET)
          .setHost("127.0.0.1")
          .setPort(target.port())
          .setURI(target.path())
          .setIdleTimeout(REQUEST_IDLE_TIMEOUT_MS)
          .putHeader("Accept", "application/json")
          .putHeader("X-Forwarded-For", forwardedFor[i % ADDRESSES]);
      if (authorization.length > 0) {
        options.putHeader("Authorization", authorization[i % authorization.length]);
      }
      long sent = System.nanoTime();
      client.request(options)
          .compose(HttpClientRequest::send)
          .compose(response -> response.body().map(body -> response.statusCode()))
          .onComplete(outcome -> {
            latencies.add((System.nanoTime() - sent) / 1_000);
            if (outcome.failed()) {
              failures.merge(outcome.cause().getClass().getSimpleName(), 1L, Long::sum);
            } else if (outcome.result() / 100 == 2) {
              ok++;
            } else {
              otherStatuses.merge(outcome.result(), 1L, Long::sum);
            }
            next();
          });
    }
  }
}
