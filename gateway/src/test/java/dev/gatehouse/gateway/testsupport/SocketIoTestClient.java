package dev.gatehouse.gateway.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A minimal Socket.IO v5 client over the Engine.IO v4 WebSocket transport, for tests: it sends
 * the raw packets a real client sends ({@code 40{auth}}, {@code 42["event",payload]}) and records
 * every message and the close code it gets.
 */
public final class SocketIoTestClient implements AutoCloseable {

  /** What a client asks for: the WebSocket transport of Engine.IO v4. */
  public static final String TARGET = "/socket.io/?EIO=4&transport=websocket";

  private static final Vertx VERTX = Vertx.vertx();
  private static final WebSocketClient CLIENT = VERTX.createWebSocketClient(
      new WebSocketClientOptions().setMaxFrameSize(4 * 1024 * 1024).setMaxMessageSize(4 * 1024 * 1024));

  private final WebSocket socket;
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final List<String> transcript = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private SocketIoTestClient(WebSocket socket) {
    this.socket = socket;
    socket.textMessageHandler(message -> {
      transcript.add(message);
      received.add(message);
    });
    socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
  }

  /** Opens a socket to {@link #TARGET}; {@code bearer} (may be null) goes in {@code Authorization}. */
  public static SocketIoTestClient open(int port, String bearer) throws Exception {
    // The handlers are in place before the connection exists, so the server's first message (the
    // Engine.IO open packet, written as the upgrade completes) cannot arrive before them.
    ClientWebSocket socket = CLIENT.webSocket();
    SocketIoTestClient client = new SocketIoTestClient(socket);
    Await.result(socket.connect(options(port, TARGET, bearer)));
    return client;
  }

  /**
   * Opens a socket to {@code target} as a page of the gateway's own origin would (its
   * {@code Origin} is {@code http://127.0.0.1:<port>}), with these other request headers.
   */
  public static SocketIoTestClient open(int port, String target, Map<String, String> headers) throws Exception {
    ClientWebSocket socket = CLIENT.webSocket();
    SocketIoTestClient client = new SocketIoTestClient(socket);
    WebSocketConnectOptions options = options(port, target, null).setAllowOriginHeader(true);
    headers.forEach(options::addHeader);
    Await.result(socket.connect(options));
    return client;
  }

  /**
   * The HTTP status of an upgrade request with exactly these headers (an {@code Origin} among
   * them as given, which WebSocket clients do not allow), written by hand; 101 if accepted.
   */
  public static int upgradeStatus(int port, String target, Map<String, String> headers) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
      headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  /** The HTTP status of an upgrade the server refused; fails the test if it was accepted. */
  public static int refusedUpgrade(int port, String target, String bearer) throws Exception {
    try {
      WebSocket accepted = Await.result(connect(port, target, bearer));
      accepted.close();
      throw new AssertionError("the upgrade to " + target + " was accepted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UpgradeRejectedException rejected) {
        return rejected.getStatus();
      }
      throw e;
    }
  }

  private static Future<WebSocket> connect(int port, String target, String bearer) {
    return CLIENT.connect(options(port, target, bearer));
  }

  private static WebSocketConnectOptions options(int port, String target, String bearer) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI(target)
        // Like a program: no Origin unless a test names one.
        .setAllowOriginHeader(false);
    if (bearer != null) {
      options.addHeader("Authorization", "Bearer " + bearer);
    }
    return options;
  }

  /** Sends one raw Engine.IO message. */
  public void send(String text) throws Exception {
    Await.result(socket.writeTextMessage(text));
  }

  /** Sends the CONNECT packet of the default namespace with this auth payload (none when null). */
  public void connect(JsonObject auth) throws Exception {
    send("40" + (auth == null ? "" : auth.encode()));
  }

  /** Emits {@code event} with one argument. */
  public void emit(String event, Object payload) throws Exception {
    send("42" + new JsonArray().add(event).add(payload).encode());
  }

  /** The next message received; fails after 10 s. */
  public String next() throws InterruptedException {
    String message = received.poll(10, TimeUnit.SECONDS);
    if (message == null) {
      throw new AssertionError("no message within 10 s");
    }
    return message;
  }

  /** Skips messages until one matches; fails after 10 s. */
  public String await(Predicate<String> matching) throws InterruptedException {
    return await(matching, Duration.ofSeconds(10));
  }

  /** Skips messages until one matches; fails after {@code limit}. */
  public String await(Predicate<String> matching, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      String message = received.poll(100, TimeUnit.MILLISECONDS);
      if (message != null && matching.test(message)) {
        return message;
      }
    }
    throw new AssertionError("no matching message within " + limit);
  }

  /** Every message received so far, in order. */
  public List<String> transcript() {
    return List.copyOf(transcript);
  }

  /** The open packet, then CONNECT with {@code auth}, then the runtime's CONNECT answer. */
  public void handshake(JsonObject auth) throws Exception {
    handshake(auth, Duration.ofSeconds(10));
  }

  /**
   * As {@link #handshake(JsonObject)}, waiting up to {@code limit} for the open packet and for
   * the CONNECT answer (a workspace's runtime may have to start first, on a busy machine).
   */
  public void handshake(JsonObject auth, Duration limit) throws Exception {
    String open = received.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (open == null) {
      throw new AssertionError("no Engine.IO open packet within " + limit);
    }
    if (!open.startsWith("0{")) {
      throw new AssertionError("expected the Engine.IO open packet, got " + open);
    }
    connect(auth);
    String answer = received.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (answer == null) {
      throw new AssertionError("no CONNECT answer within " + limit);
    }
    if (!answer.startsWith("40")) {
      throw new AssertionError("expected a CONNECT answer, got " + answer);
    }
  }

  /** The close code the server sent; fails if the socket is still open after {@code limit}. */
  public short awaitClose(Duration limit) throws Exception {
    try {
      Short code = closed.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return code == null ? -1 : code;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the socket was still open after " + limit);
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!socket.isClosed()) {
      socket.close();
    }
  }
}
