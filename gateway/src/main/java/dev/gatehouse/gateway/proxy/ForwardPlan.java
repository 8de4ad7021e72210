package dev.gatehouse.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Optional;

/**
 * What the proxy does beyond streaming one exchange: send a replacement request body (already
 * read and rewritten by the pipeline), and hand the runtime's JSON answer to a transformer before
 * the client sees it.
 *
 * @param body the body to send instead of the client's; empty to stream the client's body
 * @param response transforms a buffered JSON answer; every JSON answer of a planned exchange is
 *     buffered (up to {@link UpstreamProxy#MAX_INSPECTED_RESPONSE}) and passed through it
 * @param requiresJson the transformer must see the answer: a 2xx answer that is not JSON (or is
 *     content-encoded) is replaced by 502 rather than passed through unchecked
 */
public record ForwardPlan(Optional<Buffer> body, ResponseTransformer response, boolean requiresJson) {

  /** Rewrites one buffered JSON answer; a failed future becomes a generic 502. */
  @FunctionalInterface
  public interface ResponseTransformer {
    Future<Buffer> transform(int status, Buffer body);
  }
}
