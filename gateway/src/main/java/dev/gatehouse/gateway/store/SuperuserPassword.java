package dev.gatehouse.gateway.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * The embedded PostgreSQL superuser's password: 256 random bits, base64url, kept in a file of mode
 * 0600 beside the server's data directory (written to a temporary name and moved into place, so a
 * crash never leaves a partial one). Whoever can read it owns the audit trail, exactly as whoever
 * can read the data directory itself. Blocking.
 */
final class SuperuserPassword {

  private static final int BYTES = 32;
  private static final int MIN_CHARS = 43;

  private SuperuserPassword() {}

  /** A new password, replacing any file at {@code file}. */
  static String create(Path file) throws IOException {
    byte[] bytes = new byte[BYTES];
    new SecureRandom().nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Path temp = file.resolveSibling(file.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temp, password + "\n", StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return password;
  }

  /** The password kept at {@code file}; a missing or damaged file is an error naming what to do. */
  static String load(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new IOException("the embedded database's password file " + file + " is missing: restore it from the "
          + "data directory's backup (the database cannot be opened without it)");
    }
    String password = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (password.length() < MIN_CHARS) {
      throw new IOException("the embedded database's password file " + file + " is damaged: restore it from the "
          + "data directory's backup");
    }
    return password;
  }

  /** The password at {@code file}, created if there is none. */
  static String loadOrCreate(Path file) throws IOException {
    return Files.exists(file) ? load(file) : create(file);
  }
}
