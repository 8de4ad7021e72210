package dev.gatehouse.gateway.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Copies a runtime's standard output and error (one stream) into the gateway's JSON log, one
 * event per line under the logger {@value #LOGGER}, with the field {@value #TAG_FIELD} naming the
 * runtime (a workspace id, or {@value ManagedRuntime#SHARED_TAG}). Terminal colour codes are
 * removed and a line is cut at {@value #MAX_LINE} characters. Runs on a daemon thread of its own
 * until the stream ends (the process exited).
 */
final class RuntimeOutput {

  /** The logger of every runtime line; set its level to quiet the runtimes. */
  static final String LOGGER = "dev.gatehouse.runtime.output";
  /** The log field naming which runtime wrote the line. */
  static final String TAG_FIELD = "runtime";
  static final int MAX_LINE = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");

  private RuntimeOutput() {}

  /** Starts copying {@code output} of the runtime {@code tag}. */
  static void forward(InputStream output, String tag, long pid) {
    Thread reader = new Thread(() -> copy(output, tag), "runtime-output-" + pid);
    reader.setDaemon(true);
    reader.start();
  }

  private static void copy(InputStream output, String tag) {
    MDC.put(TAG_FIELD, tag);
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        String clean = ANSI.matcher(line).replaceAll("").strip();
        if (!clean.isEmpty()) {
          LOG.info("{}", clean.length() > MAX_LINE ? clean.substring(0, MAX_LINE) + "..." : clean);
        }
      }
    } catch (IOException e) {
      // The process closed its end: nothing more to copy.
    } finally {
      MDC.remove(TAG_FIELD);
    }
  }
}
