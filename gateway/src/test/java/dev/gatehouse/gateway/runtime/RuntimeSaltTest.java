package dev.gatehouse.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeSaltTest {

  @TempDir
  Path dir;

  @Test
  void the_first_salt_is_random_private_and_kept() throws Exception {
    String first = RuntimeSalt.loadOrCreate(dir, new SecureRandom());

    assertEquals(43, first.length(), "256 bits, base64url");
    assertEquals(first, RuntimeSalt.loadOrCreate(dir, new SecureRandom()), "the same salt after a restart");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(RuntimeSalt.FILE))));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }

  @Test
  void another_runtime_gets_another_salt(@TempDir Path other) throws Exception {
    assertNotEquals(RuntimeSalt.loadOrCreate(dir, new SecureRandom()), RuntimeSalt.loadOrCreate(other, new SecureRandom()));
  }

  @Test
  void a_damaged_salt_file_stops_the_start_without_quoting_it() throws Exception {
    Files.writeString(dir.resolve(RuntimeSalt.FILE), "short");

    RuntimeStartException e = assertThrows(RuntimeStartException.class, () -> RuntimeSalt.loadOrCreate(dir, new SecureRandom()));

    assertTrue(e.getMessage().contains(RuntimeSalt.FILE) && !e.getMessage().contains("short"), e.getMessage());
  }
}
