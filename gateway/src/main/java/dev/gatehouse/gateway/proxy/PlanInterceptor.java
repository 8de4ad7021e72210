package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.accesslog.RequestId;
import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link ForwardPlan}: the rewritten request body (UTF-8 JSON) replaces the client's,
 * and the JSON answer is buffered (capped) and transformed. Answers the transformer cannot see
 * are never passed through when the plan requires it: a content-encoded or non-JSON 2xx answer,
 * one over the cap, or a failed transformation becomes a generic 502. The runtime is always asked
 * for an unencoded answer.
 *
 * <p>A planned exchange carries no validators of the runtime's: conditional request headers are
 * not forwarded (a 304 would tell whether data the client never sees changed), and the answer
 * loses the runtime's {@code ETag} and {@code Last-Modified} (computed over the unfiltered
 * answer). No answer carries the runtime's CORS grants ({@link CorsGrantInterceptor}).
 */
final class PlanInterceptor implements ProxyInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(PlanInterceptor.class);
  private static final String PLAN = "gatehouse.plan";
  private static final MediaType JSON = MediaType.parse(ErrorBody.CONTENT_TYPE);
  private static final List<CharSequence> CONDITIONALS = List.of(HttpHeaders.IF_NONE_MATCH,
      HttpHeaders.IF_MODIFIED_SINCE, HttpHeaders.IF_MATCH, "If-Unmodified-Since", "If-Range");

  /**
   * Plans handed over by {@link UpstreamProxy#handle(HttpServerRequest, ForwardPlan)}; the
   * interceptor chain runs synchronously inside {@code HttpProxy.handle}, so each entry is taken
   * before that call returns, and removed by it in any case.
   */
  private final Map<HttpServerRequest, ForwardPlan> pending = new ConcurrentHashMap<>();
  private final long maxResponse;

  PlanInterceptor(long maxResponse) {
    this.maxResponse = maxResponse;
  }

  void offer(HttpServerRequest request, ForwardPlan plan) {
    pending.put(request, plan);
  }

  void withdraw(HttpServerRequest request) {
    pending.remove(request);
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    context.request().headers().remove(HttpHeaders.ACCEPT_ENCODING);
    ForwardPlan plan = pending.remove(context.request().proxiedRequest());
    if (plan != null) {
      context.set(PLAN, plan);
      CONDITIONALS.forEach(context.request().headers()::remove);
      plan.body().ifPresent(body -> {
        // The rewritten body is UTF-8 JSON, whatever the client declared.
        context.request().headers().set(HttpHeaders.CONTENT_TYPE, ErrorBody.CONTENT_TYPE);
        context.request().setBody(Body.body(body));
      });
    }
    return context.sendRequest();
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext context) {
    ForwardPlan plan = context.get(PLAN, ForwardPlan.class);
    if (plan == null) {
      return context.sendResponse();
    }
    ProxyResponse response = context.response();
    dropValidators(response.headers());
    int status = response.getStatusCode();
    String type = response.headers().get(HttpHeaders.CONTENT_TYPE);
    boolean json = type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
    boolean encoded = response.headers().contains(HttpHeaders.CONTENT_ENCODING);
    if (!json || encoded) {
      if (plan.requiresJson() && status / 100 == 2) {
        return fail(context, "unreadable answer");
      }
      return context.sendResponse();
    }
    long declared = response.getBody().length();
    if (declared > maxResponse) {
      return fail(context, "answer over the inspection cap");
    }
    return collect(response.getBody(), maxResponse)
        .compose(body -> plan.response().transform(status, body))
        .transform(transformed -> {
          if (transformed.failed()) {
            return fail(context, transformed.cause().getClass().getSimpleName());
          }
          response.headers().remove(HttpHeaders.CONTENT_LENGTH);
          response.setBody(Body.body(transformed.result(), JSON));
          return context.sendResponse();
        });
  }

  private static void dropValidators(MultiMap headers) {
    headers.remove(HttpHeaders.ETAG);
    headers.remove(HttpHeaders.LAST_MODIFIED);
  }

  /** Reads the whole body; fails once it exceeds {@code cap} (the rest is drained and dropped). */
  private static Future<Buffer> collect(Body body, long cap) {
    Promise<Buffer> done = Promise.promise();
    Buffer all = Buffer.buffer();
    ReadStream<Buffer> stream = body.stream();
    stream.exceptionHandler(done::tryFail);
    stream.handler(chunk -> {
      if (all.length() + chunk.length() > cap) {
        done.tryFail(new IllegalStateException("answer over the inspection cap"));
      } else if (!done.future().isComplete()) {
        all.appendBuffer(chunk);
      }
    });
    stream.endHandler(v -> done.tryComplete(all));
    stream.resume();
    return done.future();
  }

  private static Future<Void> fail(ProxyContext context, String why) {
    LOG.warn("runtime answer refused: {} requestId={}", why,
        context.request().proxiedRequest().getHeader(RequestId.HEADER));
    ProxyResponse response = context.response().release();
    response.setStatusCode(ErrorBody.BAD_GATEWAY.status())
        .putHeader(HttpHeaders.CACHE_CONTROL, ErrorBody.NO_STORE)
        .setBody(Body.body(ErrorBody.BAD_GATEWAY.body(), JSON));
    return context.sendResponse();
  }
}
