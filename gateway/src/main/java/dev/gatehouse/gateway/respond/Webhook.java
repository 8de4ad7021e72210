package dev.gatehouse.gateway.respond;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;

/**
 * Posts alert summaries as JSON to one configured URL ({@code detector.webhook.url}). Non-blocking;
 * each call fails after {@code timeout} and a non-2xx answer is a failure. The receiver's answer
 * body is never read into logs.
 */
public final class Webhook {

  private final HttpClient client;
  private final URI url;
  private final long timeoutMs;

  public Webhook(Vertx vertx, URI url, Duration timeout) {
    this.url = url;
    this.timeoutMs = timeout.toMillis();
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setSsl("https".equals(url.getScheme()))
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs)));
  }

  /** Sends {@code summary}; succeeds with the HTTP status of a 2xx answer. */
  public Future<Integer> post(JsonObject summary) {
    int port = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(port)
        .setURI(path).setTimeout(timeoutMs).putHeader("Content-Type", "application/json");
    return client.request(options)
        .compose(request -> request.send(summary.toBuffer()))
        .compose(response -> response.body().transform(ignored -> response.statusCode() / 100 == 2
            ? Future.succeededFuture(response.statusCode())
            : Future.failedFuture(new IllegalStateException("webhook answered " + response.statusCode()))));
  }

  public Future<Void> close() {
    return client.close();
  }
}
