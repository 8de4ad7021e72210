package dev.gatehouse.gateway.errors;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The only error bodies clients ever see: {@code {"error":"<key>"}} with a stable key. No
 * library message, stack trace or upstream detail is ever included.
 */
public enum ErrorBody {
  BAD_REQUEST(400, "bad_request"),
  UNAUTHORIZED(401, "unauthorized"),
  NOT_FOUND(404, "not_found"),
  BAD_GATEWAY(502, "bad_gateway"),
  SERVICE_UNAVAILABLE(503, "unavailable"),
  GATEWAY_TIMEOUT(504, "gateway_timeout");

  public static final String CONTENT_TYPE = "application/json";

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

  /** A fresh copy of the encoded body (buffers are mutable). */
  public Buffer body() {
    return body.copy();
  }
}
