package dev.gatehouse.gateway.runtime;

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
 * The runtime's {@code SECRET_SALT}, kept in a file of mode 0600 in the runtime's data directory.
 * elizaOS derives the key of every stored agent secret from it, so it must outlive restarts (a
 * new salt would make elizaOS read old ciphertexts as the secrets themselves: its decryption
 * fails open). Created on first start from 256 random bits; written to a temporary name and
 * moved into place, so a crash never leaves a partial salt. Blocking.
 */
final class RuntimeSalt {

  static final String FILE = "secret-salt";
  private static final int BYTES = 32;

  private RuntimeSalt() {}

  static String loadOrCreate(Path dataDir, SecureRandom random) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      String salt = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (salt.length() < 43) {
        throw new RuntimeStartException(file + " does not hold a salt of 256 bits; restore it or remove the runtime's data");
      }
      return salt;
    }
    byte[] bytes = new byte[BYTES];
    random.nextBytes(bytes);
    String salt = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Path temp = dataDir.resolve(FILE + ".tmp-" + UUID.randomUUID());
    Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temp, salt, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    return salt;
  }
}
