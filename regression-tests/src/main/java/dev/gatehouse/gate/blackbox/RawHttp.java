package dev.gatehouse.gate.blackbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sends bytes no HTTP client library would send (smuggling framings, absolute-form targets, raw
 * CR or NUL) and collects every response status the server writes on that connection until it
 * closes it or stays silent.
 */
final class RawHttp {

  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");
  private static final int QUIET_MILLIS = 1500;

  private RawHttp() {}

  /** What came back on one connection. */
  record Exchange(List<Integer> statuses, String text) {
    int first() {
      return statuses.isEmpty() ? -1 : statuses.get(0);
    }
  }

  static Exchange send(URI main, String request) throws IOException {
    boolean tls = "https".equalsIgnoreCase(main.getScheme());
    try (Socket socket = tls ? SSLSocketFactory.getDefault().createSocket() : new Socket()) {
      socket.connect(new InetSocketAddress(main.getHost(), port(main)), 5000);
      socket.setSoTimeout(QUIET_MILLIS);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      long deadline = System.nanoTime() + 10_000_000_000L;
      try {
        int n;
        while (System.nanoTime() < deadline && (n = in.read(buffer)) >= 0) {
          received.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException quiet) {
        // The server keeps the connection open and has nothing more to say.
      } catch (IOException reset) {
        // A reset after the answer is a close.
      }
      String text = received.toString(StandardCharsets.ISO_8859_1);
      List<Integer> statuses = new ArrayList<>();
      Matcher m = STATUS.matcher(text);
      while (m.find()) {
        if (m.start() == 0 || text.startsWith("\n", m.start() - 1)) {
          statuses.add(Integer.parseInt(m.group(1)));
        }
      }
      return new Exchange(statuses, text);
    }
  }

  static String hostHeader(URI main) {
    return main.getHost() + ":" + port(main);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
