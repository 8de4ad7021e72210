package dev.gatehouse.gateway.testsupport;

import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The runtime's Socket.IO server as far as the gateway can tell, on {@link TestUpstream}'s
 * WebSocket: each connection gets an Engine.IO open packet, a CONNECT is answered with the
 * runtime's own CONNECT, and every frame received is recorded for assertions.
 */
public final class FakeSocketIoRuntime {

  static final String OPEN_PACKET =
      "0{\"sid\":\"runtime-sid\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}";
  /** The runtime's answer to a CONNECT. */
  public static final String CONNECTED = "40{\"sid\":\"runtime-socket\"}";

  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private volatile boolean refusing;

  /** One WebSocket the gateway opened to the runtime. */
  public static final class Connection {
    private final ServerWebSocket socket;
    private final MultiMap headers;
    private final List<String> frames = new CopyOnWriteArrayList<>();

    Connection(ServerWebSocket socket) {
      this.socket = socket;
      this.headers = MultiMap.caseInsensitiveMultiMap().addAll(socket.headers());
    }

    public MultiMap headers() {
      return headers;
    }

    /** The request target of the handshake (path and query). */
    public String uri() {
      return socket.uri();
    }

    /** Every text message received, in order. */
    public List<String> frames() {
      return List.copyOf(frames);
    }

    /** The first message received that matches; waits up to 10 s. */
    public String awaitFrame(Predicate<String> matching) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        for (String frame : frames) {
          if (matching.test(frame)) {
            return frame;
          }
        }
        Thread.sleep(10);
      }
      throw new AssertionError("the runtime received no matching message; it received " + frames);
    }

    /** Sends a message to the client side (the gateway). */
    public void send(String text) {
      socket.writeTextMessage(text);
    }

    public boolean closed() {
      return socket.isClosed();
    }
  }

  /** Serves one WebSocket the gateway opened to the runtime. */
  public void accept(ServerWebSocket socket) {
    Connection connection = new Connection(socket);
    connections.add(connection);
    socket.textMessageHandler(text -> {
      connection.frames.add(text);
      if (text.startsWith("40")) {
        socket.writeTextMessage(refusing ? "44{\"message\":\"Invalid or missing API Key\"}" : CONNECTED);
      }
    });
    socket.writeTextMessage(OPEN_PACKET);
  }

  /** Every connection opened so far. */
  public List<Connection> connections() {
    return List.copyOf(connections);
  }

  /** The only connection the runtime has seen; waits up to 10 s for it. */
  public Connection awaitConnection() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (connections.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    if (connections.size() != 1) {
      throw new AssertionError("the runtime saw " + connections.size() + " connections");
    }
    return connections.get(0);
  }

  /** Whether CONNECT is answered with the runtime's own refusal (a wrong API key) instead. */
  public void refuseConnects(boolean refuse) {
    this.refusing = refuse;
  }

  /** Forgets every connection and answers CONNECT again (between tests). */
  public void clear() {
    connections.clear();
    refusing = false;
  }
}
