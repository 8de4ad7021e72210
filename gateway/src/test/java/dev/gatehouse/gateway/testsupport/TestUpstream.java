package dev.gatehouse.gateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A runtime stand-in on a loopback port: {@code /echo} returns the request body and method,
 * {@code /upload} counts the body and records how it ended ({@code ?answer=early} starts the
 * answer before reading the body), {@code /slow} never answers, {@code /api/export} answers {@link #EXPORT_BYTES} bytes, {@code /socket.io/} is a {@link FakeSocketIoRuntime}, any other
 * WebSocket path echoes messages. Every request's headers are recorded for assertions.
 */
public final class TestUpstream implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> requests = new CopyOnWriteArrayList<>();
  private final List<Upload> uploads = new CopyOnWriteArrayList<>();
  private final FakeSocketIoRuntime socketIo = new FakeSocketIoRuntime();

  /** One request as the upstream saw it. */
  public record Received(String path, MultiMap headers) {}

  /**
   * How one {@code /upload} body ended here: {@code complete} when its end arrived, false when the
   * stream was cut off first (reset, connection closed); {@code bytes} received either way.
   */
  public record Upload(String requestId, long bytes, boolean complete) {}

  /** Bytes of one {@code /api/export} answer: 40 MB, a large download. */
  public static final int EXPORT_BYTES = 40_000_000;

  /** Request header naming the {@code Cache-Control} value {@code /echo} answers with (none when absent). */
  public static final String ANSWER_CACHE_CONTROL = "X-Answer-Cache-Control";

  public TestUpstream() throws Exception {
    server = Await.result(vertx.createHttpServer()
        .webSocketHandler(this::echoWebSocket)
        .requestHandler(this::handle)
        .listen(0, "127.0.0.1"));
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** The Socket.IO server on {@code /socket.io/}. */
  public FakeSocketIoRuntime socketIo() {
    return socketIo;
  }

  public List<Received> received() {
    return List.copyOf(requests);
  }

  /** The first request received whose header {@code name} has {@code value}; waits up to 10 s. */
  public Received awaitRequest(String name, String value) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (Received r : requests) {
        if (value.equals(r.headers().get(name))) {
          return r;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("upstream received no request with " + name + "=" + value);
  }

  /** The {@code /upload} whose {@code X-Request-Id} is {@code requestId}, once its body ended; waits up to 10 s. */
  public Upload awaitUpload(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (Upload u : uploads) {
        if (requestId.equals(u.requestId())) {
          return u;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("upstream recorded no upload with request id " + requestId);
  }

  private void handle(HttpServerRequest request) {
    requests.add(new Received(request.path(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers())));
    switch (request.path()) {
      case "/slow" -> { /* never answers */ }
      case "/upload" -> upload(request);
      case "/echo" -> request.body().onSuccess(body -> {
        var response = request.response()
            .putHeader("X-Upstream-Method", request.method().name())
            .putHeader("Content-Type", "application/octet-stream");
        // A runtime that chooses its own caching: the value asked for by the test.
        String cacheControl = request.getHeader(ANSWER_CACHE_CONTROL);
        if (cacheControl != null) {
          response.putHeader("Cache-Control", cacheControl);
        }
        response.end(body);
      });
      // The runtime's answer to the agent list, so the shipped elizaOS policy's list filter can read it.
      case "/api/agents" -> request.response()
          .putHeader("Content-Type", "application/json")
          .end("{\"success\":true,\"data\":{\"agents\":[]}}");
      case "/api/export" -> request.response()
          .putHeader("Content-Type", "application/octet-stream")
          .end(io.vertx.core.buffer.Buffer.buffer(new byte[EXPORT_BYTES]));
      default -> request.response().setStatusCode(200)
          .putHeader("Content-Type", "text/plain")
          .end("hello from upstream " + request.path());
    }
  }

  private void upload(HttpServerRequest request) {
    String requestId = request.getHeader("X-Request-Id");
    AtomicLong bytes = new AtomicLong();
    AtomicBoolean ended = new AtomicBoolean();
    Runnable cutOff = () -> {
      if (ended.compareAndSet(false, true)) {
        uploads.add(new Upload(requestId, bytes.get(), false));
      }
    };
    var response = request.response().putHeader("Content-Type", "text/plain");
    if ("early".equals(request.getParam("answer"))) {
      response.setChunked(true).write("receiving\n");
    }
    request.handler(chunk -> bytes.addAndGet(chunk.length()));
    request.exceptionHandler(failure -> cutOff.run());
    response.closeHandler(v -> cutOff.run());
    request.endHandler(v -> {
      if (ended.compareAndSet(false, true)) {
        uploads.add(new Upload(requestId, bytes.get(), true));
      }
      response.end("received " + bytes.get() + "\n");
    });
  }

  private void echoWebSocket(ServerWebSocket ws) {
    requests.add(new Received(ws.path(), MultiMap.caseInsensitiveMultiMap().addAll(ws.headers())));
    if ("/socket.io/".equals(ws.path())) {
      socketIo.accept(ws);
    } else {
      ws.textMessageHandler(ws::writeTextMessage);
    }
  }

  @Override
  public void close() throws Exception {
    Await.result(vertx.close());
  }
}
