package dev.gatehouse.gateway.egress;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.egress.ProviderErrors.Refusal;
import dev.gatehouse.gateway.limit.Limits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress listener: agents call it as their model provider (the OpenAI API's Responses, chat
 * completions, embeddings and models; Anthropic's Messages), with their egress credential in place
 * of a provider key ({@code Authorization: Bearer} for OpenAI, {@code x-api-key} for Anthropic).
 *
 * <p>Each call, in order: the endpoint must be one of {@link ModelApi}; the body is read up to
 * {@code egress.maxRequestBytes}; the credential must be live and its workspace active (read from
 * the database); a metered call's body must name a model; the workspace must have a key for the
 * provider; the call's worst case must fit its budgets ({@link EgressBudgets#reserve}). Then it is
 * forwarded with the workspace's key and only an allowlist of the client's headers (never its
 * credential or a hop-by-hop header), and the answer streams back chunk by chunk as it arrives
 * while {@link UsageReader} reads the reported usage; the call settles on that usage (on its
 * worst case when a successful answer reported none). Every call and every refusal is one audit
 * event ({@link EgressAudit}). Refusals are in the provider's error shape ({@link ProviderErrors});
 * any failure to read credential or budget state refuses the call (503).
 */
public final class EgressListener {

  /** Connecting to a provider may take this long. */
  static final int CONNECT_TIMEOUT_MS = 10_000;
  /** Pooled connections per provider host. */
  static final int MAX_POOLED_CONNECTIONS = 64;
  /** Client request headers forwarded to the provider (lower case); every other one is dropped. */
  static final Set<String> REQUEST_HEADERS = Set.of("content-type", "accept", "user-agent", "openai-beta",
      "anthropic-version", "anthropic-beta", "idempotency-key");
  /** Provider response headers passed back to the client (lower case). */
  static final Set<String> RESPONSE_HEADERS = Set.of("content-type", "cache-control", "x-request-id", "request-id",
      "retry-after", "openai-processing-ms", "openai-version");

  private static final Logger LOG = LoggerFactory.getLogger(EgressListener.class);

  private final GatewayConfig.Egress settings;
  private final EgressCredentials credentials;
  private final ProviderKeys keys;
  private final EgressBudgets budgets;
  private final EgressAudit audit;
  private final HttpClient client;
  private HttpServer server;

  private EgressListener(Vertx vertx, GatewayConfig.Egress settings, EgressCredentials credentials, ProviderKeys keys,
      EgressBudgets budgets, EgressAudit audit) {
    this.settings = settings;
    this.credentials = credentials;
    this.keys = keys;
    this.budgets = budgets;
    this.audit = audit;
    // TLS to providers verifies the host against the JDK's trust store.
    this.client = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout(CONNECT_TIMEOUT_MS)
            .setVerifyHost(true)
            .setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(MAX_POOLED_CONNECTIONS));
  }

  static Future<EgressListener> start(Vertx vertx, GatewayConfig.Egress settings, EgressCredentials credentials,
      ProviderKeys keys, EgressBudgets budgets, EgressAudit audit) {
    EgressListener listener = new EgressListener(vertx, settings, credentials, keys, budgets, audit);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.listen().host())
        .setPort(settings.listen().port())
        .setHttp2ClearTextEnabled(false)
        .setMaxInitialLineLength(Limits.MAX_REQUEST_LINE_LENGTH)
        .setMaxHeaderSize(Limits.MAX_HEADER_SIZE);
    return vertx.createHttpServer(options).requestHandler(listener::handle).listen()
        .map(server -> {
          listener.server = server;
          return listener;
        })
        .recover(failure -> listener.client.close().transform(v -> Future.failedFuture(failure)));
  }

  int port() {
    return server.actualPort();
  }

  Future<Void> close() {
    Future<Void> stopped = server == null ? Future.succeededFuture() : server.close();
    return stopped.transform(v -> client.close());
  }

  private void handle(HttpServerRequest request) {
    EgressCall call = new EgressCall(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress());
    Optional<ModelApi> api = request.query() == null ? ModelApi.match(request.method(), request.path()) : Optional.empty();
    Provider shape = api.map(ModelApi::provider)
        .orElse(request.path().startsWith(ModelApi.ANTHROPIC_MESSAGES.path()) ? Provider.ANTHROPIC : Provider.OPENAI);
    if (api.isEmpty()) {
      refuse(call, request, shape, Refusal.NOT_FOUND, EgressReasons.REQUEST_INVALID, null);
      return;
    }
    call.api = api;
    if (!audit.admitting()) {
      refuse(call, request, shape, Refusal.BUDGET_UNAVAILABLE, EgressReasons.BUDGET_UNAVAILABLE, null);
      return;
    }
    String presented = presentedCredential(request, shape);
    readBody(request).onComplete(read -> {
      if (read.failed()) {
        refuse(call, request, shape, Refusal.TOO_LARGE, EgressReasons.REQUEST_INVALID, null);
        return;
      }
      credentials.authenticate(presented).onComplete(checked -> {
        if (checked.failed()) {
          LOG.warn("egress credential check failed: kind={}", checked.cause().getClass().getSimpleName());
          refuse(call, request, shape, Refusal.BUDGET_UNAVAILABLE, EgressReasons.BUDGET_UNAVAILABLE, null);
          return;
        }
        EgressCredentials.Check check = checked.result();
        call.holder = check.holder();
        switch (check.outcome()) {
          case VALID -> admit(call, request, api.get(), check.holder().orElseThrow(), read.result());
          case LOCKED -> refuse(call, request, shape, Refusal.LOCKED, check.outcome().reason(), null);
          default -> refuse(call, request, shape, Refusal.CREDENTIAL, check.outcome().reason(), null);
        }
      });
    });
  }

  private void admit(EgressCall call, HttpServerRequest request, ModelApi api, EgressCredentials.Holder holder,
      Buffer body) {
    Provider provider = api.provider();
    Optional<CallRequest> parsed = Optional.empty();
    if (api.metered()) {
      parsed = CallRequest.parse(api, body, settings.defaultMaxTokens());
      if (parsed.isEmpty()) {
        refuse(call, request, provider, Refusal.INVALID, EgressReasons.REQUEST_INVALID, null);
        return;
      }
      call.model = Optional.of(parsed.get().model());
    }
    Optional<CallRequest> metered = parsed;
    keys.open(holder.workspace(), provider).onComplete(opened -> {
      if (opened.failed() || opened.result().isEmpty()) {
        refuse(call, request, provider, Refusal.NO_KEY, EgressReasons.PROVIDER_KEY_MISSING, null);
        return;
      }
      String key = opened.result().get();
      if (metered.isEmpty()) {
        forward(call, request, api, key, Buffer.buffer(), Optional.empty());
        return;
      }
      CallRequest callRequest = metered.get();
      Optional<PriceTable.Price> price = settings.prices().price(callRequest.model());
      OptionalLong worstCost = price.map(p -> OptionalLong.of(p.costMicros(callRequest.inputEstimate(),
          callRequest.maxOutput()))).orElse(OptionalLong.empty());
      budgets.reserve(new EgressBudgets.Demand(holder.workspace(), holder.agent(), provider, callRequest.model(),
              callRequest.worstCaseTokens(), worstCost, settings.reservationTimeout()))
          .onComplete(reserved -> {
            if (reserved.failed()) {
              LOG.warn("egress budget reservation failed: kind={}", reserved.cause().getClass().getSimpleName());
              refuse(call, request, provider, Refusal.BUDGET_UNAVAILABLE, EgressReasons.BUDGET_UNAVAILABLE, null);
            } else if (reserved.result().exceeded().isPresent()) {
              refuse(call, request, provider, Refusal.BUDGET, EgressReasons.BUDGET_EXCEEDED,
                  reserved.result().exceeded().get());
            } else {
              forward(call, request, api, key, callRequest.body(),
                  Optional.of(new Settlement(reserved.result().call().orElseThrow(), callRequest, price)));
            }
          });
    });
  }

  /** How a metered call settles: its reservation, its worst case and its model's price. */
  private record Settlement(UUID call, CallRequest request, Optional<PriceTable.Price> price) {}

  private void forward(EgressCall call, HttpServerRequest request, ModelApi api, String key, Buffer body,
      Optional<Settlement> settlement) {
    URI base = api.provider() == Provider.ANTHROPIC ? settings.anthropicBaseUrl() : settings.openaiBaseUrl();
    String baseText = base.toString();
    RequestOptions options = new RequestOptions()
        .setMethod(request.method())
        .setAbsoluteURI((baseText.endsWith("/") ? baseText.substring(0, baseText.length() - 1) : baseText)
            + api.relativePath())
        .setIdleTimeout(settings.responseTimeout().toMillis());
    request.headers().forEach(header -> {
      if (REQUEST_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        options.addHeader(header.getKey(), header.getValue());
      }
    });
    if (api.provider() == Provider.ANTHROPIC) {
      options.putHeader("x-api-key", key);
    } else {
      options.putHeader("Authorization", "Bearer " + key);
    }
    client.request(options)
        .compose(outbound -> {
          outbound.exceptionHandler(failure -> LOG.debug("provider request failed: kind={}",
              failure.getClass().getSimpleName()));
          return body.length() == 0 && !api.metered() ? outbound.send() : outbound.send(body);
        })
        .onComplete(answered -> {
          if (answered.failed()) {
            LOG.warn("provider unreachable: provider={} kind={}", api.provider().id(),
                answered.cause().getClass().getSimpleName());
            settle(call, settlement, Refusal.UNREACHABLE.status, Optional.empty(), false);
            refuse(call, request, api.provider(), Refusal.UNREACHABLE, EgressReasons.PROVIDER_UNREACHABLE, null);
          } else {
            relay(call, request, answered.result(), settlement);
          }
        });
  }

  /** Streams the provider's answer back as it arrives, reading its usage on the way. */
  private void relay(EgressCall call, HttpServerRequest request, HttpClientResponse answer,
      Optional<Settlement> settlement) {
    HttpServerResponse response = request.response();
    response.setStatusCode(answer.statusCode());
    answer.headers().forEach(header -> {
      if (RESPONSE_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        response.headers().add(header.getKey(), header.getValue());
      }
    });
    response.setChunked(true);
    UsageReader usage = new UsageReader(answer.getHeader("Content-Type"));
    int status = answer.statusCode();
    answer.handler(chunk -> {
      usage.feed(chunk);
      response.write(chunk);
      if (response.writeQueueFull()) {
        answer.pause();
        response.drainHandler(v -> answer.resume());
      }
    });
    answer.endHandler(v -> {
      usage.end();
      response.end();
      settle(call, settlement, status, Optional.of(usage), true);
      audit.record(call, request, EgressReasons.ALLOWED);
    });
    answer.exceptionHandler(failure -> {
      LOG.warn("provider answer broke off: provider={} kind={}", call.api.map(a -> a.provider().id()).orElse("?"),
          failure.getClass().getSimpleName());
      usage.end();
      settle(call, settlement, status, Optional.of(usage), true);
      response.reset();
      audit.record(call, request, EgressReasons.PROVIDER_UNREACHABLE);
    });
    response.closeHandler(v -> {
      if (!response.ended()) {
        answer.request().reset();
        usage.end();
        settle(call, settlement, status, Optional.of(usage), true);
        audit.record(call, request, EgressReasons.ALLOWED);
      }
    });
  }

  /**
   * Settles a metered call once: on the reported usage; without one, on its worst case if the
   * provider may have done the work ({@code mayHaveWorked} and a successful status), else on nothing.
   */
  private void settle(EgressCall call, Optional<Settlement> settlement, int status, Optional<UsageReader> usage,
      boolean mayHaveWorked) {
    if (settlement.isEmpty() || !call.markSettled()) {
      return;
    }
    Settlement s = settlement.get();
    if (usage.isPresent() && usage.get().reported()) {
      call.tokensIn = usage.get().tokensIn();
      call.tokensOut = usage.get().tokensOut();
    } else if (mayHaveWorked && status < 400) {
      call.tokensIn = s.request().inputEstimate();
      call.tokensOut = s.request().maxOutput();
    }
    call.costMicros = s.price().map(p -> p.costMicros(call.tokensIn, call.tokensOut)).orElse(0L);
    budgets.settle(s.call(), status, call.tokensIn, call.tokensOut, call.costMicros)
        .onFailure(e -> LOG.warn("egress call not settled (its reservation expires): kind={}",
            e.getClass().getSimpleName()));
  }

  private void refuse(EgressCall call, HttpServerRequest request, Provider provider, Refusal refusal, String reason,
      String detail) {
    if (!request.response().ended() && !request.response().headWritten()) {
      ProviderErrors.send(request.response(), provider, refusal, detail);
    }
    audit.record(call, request, reason);
  }

  private static String presentedCredential(HttpServerRequest request, Provider provider) {
    if (provider == Provider.ANTHROPIC) {
      String key = request.getHeader("x-api-key");
      if (key != null) {
        return key;
      }
    }
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).trim();
    }
    return null;
  }

  /** The whole body, or a failed future once it passes {@code egress.maxRequestBytes}. */
  private Future<Buffer> readBody(HttpServerRequest request) {
    Promise<Buffer> read = Promise.promise();
    Buffer body = Buffer.buffer();
    int max = settings.maxRequestBytes();
    String declared = request.getHeader("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > max) {
          return Future.failedFuture(new IllegalArgumentException("body too large"));
        }
      } catch (NumberFormatException e) {
        return Future.failedFuture(new IllegalArgumentException("invalid length"));
      }
    }
    request.handler(chunk -> {
      if (body.length() + chunk.length() > max) {
        read.tryFail(new IllegalArgumentException("body too large"));
      } else if (!read.future().isComplete()) {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> read.tryComplete(body));
    request.exceptionHandler(read::tryFail);
    return read.future();
  }
}
