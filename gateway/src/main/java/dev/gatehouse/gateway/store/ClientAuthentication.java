package dev.gatehouse.gateway.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded server's {@code pg_hba.conf}: password (SCRAM) logins only, over its Unix socket
 * and loopback. Servers created before Gatehouse set a password were initialized with
 * {@code trust} (any local user could log in as the superuser); {@link #passwordOnly} tells them apart.
 */
final class ClientAuthentication {

  static final String FILE = "pg_hba.conf";
  static final String METHOD = "scram-sha-256";
  private static final String CONTENT = """
      # Written by Gatehouse: the embedded server admits password (SCRAM) logins only, on its socket
      # and on loopback. The superuser's password is kept beside the data directory (mode 0600).
      local  all          all                 scram-sha-256
      host   all          all   127.0.0.1/32  scram-sha-256
      host   all          all   ::1/128       scram-sha-256
      """;

  private ClientAuthentication() {}

  /** Whether every rule of the server's {@code pg_hba.conf} asks for the SCRAM password. */
  static boolean passwordOnly(Path dataDirectory) throws IOException {
    for (String line : Files.readAllLines(dataDirectory.resolve(FILE), StandardCharsets.UTF_8)) {
      String rule = line.replaceFirst("#.*", "").trim();
      if (!rule.isEmpty() && !rule.endsWith(" " + METHOD)) {
        return false;
      }
    }
    return true;
  }

  static void write(Path dataDirectory) throws IOException {
    Files.writeString(dataDirectory.resolve(FILE), CONTENT, StandardCharsets.UTF_8);
  }
}
