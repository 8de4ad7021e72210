package dev.gatehouse.gateway.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs {@code @elizaos/server} with npm into a cache directory, once. Blocking: call off the
 * event loop.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>The cache directory is either absent or complete: npm installs into a sibling temporary
 *       directory, a marker file is written last, and the directory is renamed into place
 *       atomically. An interrupted install leaves only a temporary directory, removed by the next
 *       installer.</li>
 *   <li>Concurrent installers (threads of this JVM and other processes) are serialized by a lock
 *       file next to the cache directory; the second one finds the finished install.</li>
 *   <li>npm runs with {@code --ignore-scripts} and an environment of PATH, HOME and npm/proxy
 *       settings only, so no install script runs and none could read the gateway's secrets.</li>
 * </ul>
 */
final class RuntimeInstaller {

  private static final Logger LOG = LoggerFactory.getLogger(RuntimeInstaller.class);

  /** Written inside the cache directory when the install is complete. */
  static final String MARKER = ".gatehouse-installed";
  /** The start script's resource; it is copied into the cache under a content-addressed name. */
  static final String START_SCRIPT_RESOURCE = "/runtime/gatehouse-eliza-start.mjs";
  /** Longest npm install accepted (the measured install takes 30 to 40 s with a warm npm cache). */
  static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

  private final String packageSpec;
  private final Map<String, String> npmEnvironment;

  RuntimeInstaller(String packageSpec, Map<String, String> npmEnvironment) {
    this.packageSpec = packageSpec;
    this.npmEnvironment = npmEnvironment;
  }

  /**
   * Makes sure {@code cacheDir} holds the package and the current start script.
   *
   * @return the start script inside {@code cacheDir}
   * @throws RuntimeStartException when node/npm are missing, npm fails (the message names its log
   *     file) or the cache directory cannot be written
   */
  Path ensureInstalled(Path cacheDir) {
    try {
      if (!Files.exists(cacheDir.resolve(MARKER))) {
        installLocked(cacheDir);
      }
      return ensureStartScript(cacheDir);
    } catch (IOException e) {
      throw new RuntimeStartException("cannot write the runtime cache " + cacheDir + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private void installLocked(Path cacheDir) throws IOException {
    Path parent = cacheDir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path lockFile = parent.resolve(cacheDir.getFileName() + ".lock");
    // A FileLock is held per JVM, not per thread: serialize this JVM's threads first.
    synchronized (RuntimeInstaller.class) {
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        LOG.info("waiting for the runtime install lock {}", lockFile);
        try (FileLock lock = channel.lock()) {
          if (Files.exists(cacheDir.resolve(MARKER))) {
            return;
          }
          install(cacheDir, parent);
        }
      }
    }
  }

  private void install(Path cacheDir, Path parent) throws IOException {
    NodeTools.requireNodeAndNpm(npmEnvironment);
    removeLeftovers(cacheDir, parent);
    Path staging = parent.resolve(cacheDir.getFileName() + ".tmp-" + UUID.randomUUID());
    Path log = parent.resolve(cacheDir.getFileName() + ".install.log");
    Files.createDirectories(staging);
    Files.writeString(staging.resolve("package.json"), "{\"name\":\"gatehouse-managed-runtime\",\"private\":true}\n");
    LOG.info("installing {} into {} (first start only; about a minute; npm output in {})", packageSpec, cacheDir, log);
    long started = System.nanoTime();
    boolean installed = false;
    try {
      runNpm(staging, log, started);
      Files.writeString(staging.resolve(MARKER), packageSpec + "\n");
      try {
        Files.move(staging, cacheDir, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
        throw new RuntimeStartException("cannot move the finished install into " + cacheDir, e);
      }
      installed = true;
      LOG.info("installed {} in {} s", packageSpec, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    } finally {
      if (!installed) {
        deleteTree(staging);
      }
    }
  }

  private void runNpm(Path staging, Path log, long started) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(List.of("npm", "install", "--ignore-scripts", "--no-audit", "--no-fund",
        "--no-update-notifier", "--save-exact", packageSpec))
        .directory(staging.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(npmEnvironment);
    Process npm = builder.start();
    npm.getOutputStream().close();
    try {
      long deadline = started + INSTALL_TIMEOUT.toNanos();
      while (!npm.waitFor(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() - deadline > 0) {
          npm.descendants().forEach(ProcessHandle::destroyForcibly);
          npm.destroyForcibly();
          throw new RuntimeStartException("npm install of " + packageSpec + " took longer than " + INSTALL_TIMEOUT
              + "; see " + log);
        }
        LOG.info("still installing {} ({} s)", packageSpec, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
      }
    } catch (InterruptedException e) {
      npm.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new RuntimeStartException("interrupted while installing " + packageSpec, e);
    }
    if (npm.exitValue() != 0) {
      throw new RuntimeStartException("npm install of " + packageSpec + " failed with exit code " + npm.exitValue()
          + "; see " + log);
    }
  }

  /** A cache directory without its marker, and staging directories of dead installers, are removed. */
  private static void removeLeftovers(Path cacheDir, Path parent) throws IOException {
    if (Files.exists(cacheDir)) {
      LOG.warn("removing the incomplete runtime install {}", cacheDir);
      deleteTree(cacheDir);
    }
    String prefix = cacheDir.getFileName() + ".tmp-";
    try (Stream<Path> siblings = Files.list(parent)) {
      for (Path p : siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        deleteTree(p);
      }
    }
  }

  /** The start script under a content-addressed name, so a changed script never meets a stale copy. */
  private static Path ensureStartScript(Path cacheDir) throws IOException {
    byte[] script;
    try (InputStream in = RuntimeInstaller.class.getResourceAsStream(START_SCRIPT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + START_SCRIPT_RESOURCE);
      }
      script = in.readAllBytes();
    }
    Path target = cacheDir.resolve("gatehouse-eliza-start-" + sha256(script).substring(0, 12) + ".mjs");
    if (!Files.exists(target)) {
      Path temp = cacheDir.resolve(target.getFileName() + ".tmp-" + UUID.randomUUID());
      Files.write(temp, script);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
