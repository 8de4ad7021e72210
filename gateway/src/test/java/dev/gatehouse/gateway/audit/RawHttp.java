package dev.gatehouse.gateway.audit;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends bytes no well-behaved HTTP client would (lower-case methods, oversized header sections,
 * raw fragments) and reads the answer until the server closes the connection.
 */
final class RawHttp {

  /** The answer's status and request id (null when absent). */
  record Answer(int status, String requestId) {}

  private RawHttp() {}

  static Answer send(int port, String head) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) != -1; ) {
        received.write(buffer, 0, n);
      }
      String text = received.toString(StandardCharsets.ISO_8859_1);
      String[] lines = text.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      String requestId = null;
      for (String line : lines) {
        if (line.isEmpty()) {
          break;
        }
        if (line.toLowerCase(Locale.ROOT).startsWith("x-request-id:")) {
          requestId = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      return new Answer(status, requestId);
    }
  }

  /** A GET of {@code target} on one connection that closes after the answer, plus extra header lines. */
  static String get(String method, String target, String... headerLines) {
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("Host: localhost\r\nConnection: close\r\n");
    for (String line : headerLines) {
      head.append(line).append("\r\n");
    }
    return head.append("\r\n").toString();
  }
}
