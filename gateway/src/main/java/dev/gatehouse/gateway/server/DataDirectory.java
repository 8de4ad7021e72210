package dev.gatehouse.gateway.server;

import dev.gatehouse.gateway.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The node's data directory (mode 0700), held with an exclusive lock for the life of the
 * process so two Gatehouse processes never share one embedded database or token file.
 */
final class DataDirectory implements AutoCloseable {

  static final String LOCK_FILE = "gatehouse.lock";

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectory(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  static DataDirectory acquire(Path path) {
    try {
      if (!Files.exists(path)) {
        Files.createDirectories(path,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      FileChannel channel = FileChannel.open(path.resolve(LOCK_FILE),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new ConfigException("dataDir", "is in use by another Gatehouse process");
      }
      return new DataDirectory(path, channel, lock);
    } catch (IOException e) {
      throw new ConfigException("dataDir", "cannot be created or locked");
    }
  }

  Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
