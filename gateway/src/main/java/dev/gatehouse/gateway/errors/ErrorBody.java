package dev.gatehouse.gateway.errors;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The only error bodies clients ever see: {@code {"error":"<key>"}} with a stable key. No
 * library message, stack trace or upstream detail is ever included.
 */
public enum ErrorBody {
  BAD_REQUEST(400, "bad_request"),
  UNAUTHORIZED(401, "unauthorized"),
  FORBIDDEN(403, "forbidden"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  URI_TOO_LONG(414, "uri_too_long"),
  TOO_MANY_REQUESTS(429, "rate_limited"),
  HEADERS_TOO_LARGE(431, "headers_too_large"),
  BAD_GATEWAY(502, "bad_gateway"),
  SERVICE_UNAVAILABLE(503, "unavailable"),
  GATEWAY_TIMEOUT(504, "gateway_timeout");

  /**
   * Media type of every JSON answer the gateway writes itself: errors, admin API, health. Written
   * without a space, the form the proxy's own media-type rendering produces, so every answer
   * carries the same bytes.
   */
  public static final String CONTENT_TYPE = "application/json;charset=utf-8";
  /** Cache-Control of every error and admin answer: no cache may keep it. */
  public static final String NO_STORE = "no-store";

  private final int status;
  private final String key;
  private final Buffer body;

  ErrorBody(int status, String key) {
    this.status = status;
    this.key = key;
    this.body = new JsonObject().put("error", key).toBuffer();
  }

  public int status() {
    return status;
  }

  public String key() {
    return key;
  }

  /** The body for a refusal with this status; any other status becomes {@link #BAD_REQUEST}. */
  public static ErrorBody forStatus(int status) {
    for (ErrorBody e : values()) {
      if (e.status == status) {
        return e;
      }
    }
    return BAD_REQUEST;
  }

  /**
   * Sets this refusal's status, {@link #CONTENT_TYPE} and {@link #NO_STORE} on {@code response};
   * the caller adds any header of its own and ends the response with {@link #body()}.
   */
  public HttpServerResponse prepare(HttpServerResponse response) {
    return response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
  }

  /** A fresh copy of the encoded body (buffers are mutable). */
  public Buffer body() {
    return body.copy();
  }
}
