package dev.gatehouse.gateway.limit;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The request body cap of the main listener ({@code server.maxBodySize}). It is applied twice:
 * to the declared {@code Content-Length} before any other work ({@link #declaredOver}), and to
 * the bytes of a body as they stream to the runtime ({@link #capped}), which is what stops a
 * chunked body that has no declared length.
 */
public final class BodyLimit {

  /** Audit reason key of a request whose declared {@code Content-Length} is over the cap. */
  public static final String DECLARED_REASON = "body_declared_over_limit";
  /** Audit reason key of a streamed (chunked) body that grew past the cap. */
  public static final String STREAMED_REASON = "body_streamed_over_limit";

  private final long maxBytes;

  /** @param maxBytes the largest body allowed, in bytes; at least 1 */
  public BodyLimit(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1");
    }
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /**
   * True when {@code contentLength} (the header value, null when absent) declares more than the
   * cap. A value that is not a plain decimal number is not judged here: the HTTP parser and the
   * canonicalizer refuse it.
   */
  public boolean declaredOver(String contentLength) {
    if (contentLength == null) {
      return false;
    }
    String digits = contentLength.trim();
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    String significant = digits.replaceFirst("^0+(?=.)", "");
    return significant.length() > 18 || Long.parseLong(significant) > maxBytes;
  }

  /**
   * A view of {@code body} that passes at most {@link #maxBytes} bytes. The chunk that would
   * cross the cap is never passed on: instead {@code onExceeded} runs once, the view's exception
   * handler gets a failure, and every later chunk and the end of the stream are dropped,
   * so a reader of the view never sees a complete body that was over the cap.
   */
  public ReadStream<Buffer> capped(ReadStream<Buffer> body, Runnable onExceeded) {
    return new CappedStream(body, maxBytes, onExceeded);
  }

  /** The failure a {@link #capped} view reports once its body is over the cap; no stack trace. */
  private static final class Exceeded extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Exceeded() {
      super(STREAMED_REASON, null, false, false);
    }
  }

  /** Counts the bytes passed from the source; confined to the source's context like the source. */
  private static final class CappedStream implements ReadStream<Buffer> {

    private final ReadStream<Buffer> source;
    private final long maxBytes;
    private final Runnable onExceeded;
    private long passed;
    private boolean exceeded;
    private Handler<Throwable> exceptionHandler;

    CappedStream(ReadStream<Buffer> source, long maxBytes, Runnable onExceeded) {
      this.source = source;
      this.maxBytes = maxBytes;
      this.onExceeded = onExceeded;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      exceptionHandler = handler;
      source.exceptionHandler(handler);
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      if (handler == null) {
        source.handler(null);
        return this;
      }
      source.handler(chunk -> {
        if (exceeded) {
          return;
        }
        if (chunk.length() > maxBytes - passed) {
          exceeded = true;
          onExceeded.run();
          Handler<Throwable> failed = exceptionHandler;
          if (failed != null) {
            failed.handle(new Exceeded());
          }
          return;
        }
        passed += chunk.length();
        handler.handle(chunk);
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
      source.endHandler(handler == null ? null : v -> {
        if (!exceeded) {
          handler.handle(v);
        }
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      source.pause();
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      source.resume();
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      source.fetch(amount);
      return this;
    }
  }
}
