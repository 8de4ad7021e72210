package dev.gatehouse.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin credential. On the first start against a database that has none, a random
 * token is created, only its SHA-256 is stored, and the token itself is written to
 * {@code <dataDir>/admin-token} with mode 0600 — never to a log or the terminal. Later starts
 * leave it alone. When several nodes start at once, exactly one of them creates it.
 */
public final class BootstrapToken {

  public static final String FILE_NAME = "admin-token";
  static final String CREDENTIAL_NAME = "bootstrap";
  /** Prefix that makes a leaked token easy to recognize for secret scanners. */
  static final String PREFIX = "gatehouse_admin_";
  static final int RANDOM_BYTES = 32;

  private static final Logger LOG = LoggerFactory.getLogger(BootstrapToken.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private BootstrapToken() {}

  /** Ensures a bootstrap credential exists; fails (and stores nothing) if the file cannot be written. */
  public static Future<Void> ensure(Vertx vertx, Pool pool, Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
    return pool.preparedQuery(
            "INSERT INTO admin_credentials (name, token_sha256) VALUES ($1, $2) "
                + "ON CONFLICT (name) DO NOTHING RETURNING name")
        .execute(Tuple.of(CREDENTIAL_NAME, Buffer.buffer(TokenHash.sha256(token))))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            if (!Files.exists(file)) {
              LOG.warn("an admin credential already exists in the database but {} is missing; "
                  + "use the token file of the node that created it", file);
            }
            return Future.succeededFuture();
          }
          return vertx.executeBlocking(() -> write(file, token), false)
              .<Void>mapEmpty()
              .recover(failure -> pool.preparedQuery("DELETE FROM admin_credentials WHERE name = $1")
                  .execute(Tuple.of(CREDENTIAL_NAME))
                  .transform(ignored -> Future.failedFuture(
                      new IOException("cannot write the admin token file " + file))));
        });
  }

  private static Void write(Path file, String token) throws IOException {
    Path temp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.deleteIfExists(temp);
    Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.write(StandardCharsets.US_ASCII.encode(token + "\n"));
      channel.force(true);
    }
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    LOG.info("created the bootstrap admin token in {} (mode 0600)", file);
    return null;
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
