package dev.gatehouse.gateway.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for stderr while the gateway runs: the access log (one JSON line per request) is
 * encoded as in production and then dropped here, counted; WARN and ERROR lines are passed on to
 * the real stderr, at most {@value #MAX_PASSED} of them.
 */
final class LogSink extends OutputStream {

  static final int MAX_PASSED = 20;

  private final PrintStream realErr;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
  private long lines;
  private long warnings;

  LogSink(PrintStream realErr) {
    this.realErr = realErr;
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      endLine();
    } else {
      line.write(b);
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    int start = off;
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        line.write(b, start, i - start);
        endLine();
        start = i + 1;
      }
    }
    line.write(b, start, off + len - start);
  }

  private void endLine() {
    lines++;
    String text = line.toString(StandardCharsets.UTF_8);
    if (text.contains("\"level\":\"WARN\"") || text.contains("\"level\":\"ERROR\"")) {
      if (++warnings <= MAX_PASSED) {
        realErr.println(text);
      }
    }
    line.reset();
  }

  synchronized long lines() {
    return lines;
  }

  synchronized long warnings() {
    return warnings;
  }
}
