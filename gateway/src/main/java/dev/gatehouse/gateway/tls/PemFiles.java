package dev.gatehouse.gateway.tls;

import dev.gatehouse.gateway.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;

/**
 * Reads the PEM files named by {@code *.tls.*} keys. Every failure is a {@link ConfigException}
 * naming the key; no message carries the file's content.
 */
final class PemFiles {

  private PemFiles() {}

  /** The file's bytes; fails when it is missing or unreadable. */
  static Buffer read(Path file, String key) {
    try {
      return Buffer.buffer(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException(key, "file not found");
    } catch (IOException e) {
      throw new ConfigException(key, "cannot be read");
    }
  }

  /** The certificates of a CA file: at least one PEM certificate, or a {@link ConfigException}. */
  static Buffer certificates(Vertx vertx, Path file, String key) {
    Buffer pem = read(file, key);
    requireCertificates(vertx, pem, key);
    return pem;
  }

  static void requireCertificates(Vertx vertx, Buffer pem, String key) {
    KeyStore store;
    try {
      store = new PemTrustOptions().addCertValue(pem).loadKeyStore(vertx);
    } catch (Exception e) {
      throw new ConfigException(key, "holds no PEM certificate");
    }
    try {
      if (store == null || store.size() == 0) {
        throw new ConfigException(key, "holds no PEM certificate");
      }
    } catch (KeyStoreException e) {
      throw new ConfigException(key, "holds no PEM certificate");
    }
  }
}
