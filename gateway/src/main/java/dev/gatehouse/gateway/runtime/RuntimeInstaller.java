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
 * Installs the runtime's npm packages ({@link RuntimePackages}) into a cache directory, once.
 * Blocking: call off the event loop.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>{@code npm ci} installs exactly the lockfile's tree (optional platform binaries left
 *       out), and fails when a package's content does not match the lockfile's {@code integrity}
 *       (the error says so and names npm's log).</li>
 *   <li>The install directory is either absent or complete: npm installs into a sibling temporary
 *       directory, a marker file is written last, and the directory is renamed into place
 *       atomically. An interrupted install leaves only a temporary directory, removed by the next
 *       installer.</li>
 *   <li>Concurrent installers (threads of this JVM and other processes) are serialized by a lock
 *       file next to the install directory; the second one finds the finished install.</li>
 *   <li>npm runs with {@code --ignore-scripts} and an environment of PATH, HOME and npm/proxy
 *       settings only, so no install script runs and none could read the gateway's secrets.</li>
 * </ul>
 */
final class RuntimeInstaller {

  private static final Logger LOG = LoggerFactory.getLogger(RuntimeInstaller.class);

  /** Written inside the install directory when the install is complete. */
  static final String MARKER = ".gatehouse-installed";
  /** The start script's resource; it is copied into the install under a content-addressed name. */
  static final String START_SCRIPT_RESOURCE = "/runtime/gatehouse-eliza-start.mjs";
  /** Longest npm install accepted (the measured install takes 30 to 60 s with a warm npm cache). */
  static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

  private final Map<String, String> npmEnvironment;

  RuntimeInstaller(Map<String, String> npmEnvironment) {
    this.npmEnvironment = npmEnvironment;
  }

  /**
   * Makes sure {@code cacheRoot} holds {@code packages}' install and the current start script.
   *
   * @return the install directory
   * @throws RuntimeStartException when node/npm are missing, npm fails (the message names its log
   *     file) or the cache directory cannot be written
   */
  Path ensureInstalled(Path cacheRoot, RuntimePackages packages) {
    Path dir = cacheRoot.resolve(packages.installName());
    try {
      if (!Files.exists(dir.resolve(MARKER))) {
        installLocked(dir, packages);
      }
      return dir;
    } catch (IOException e) {
      throw new RuntimeStartException("cannot write the runtime cache " + dir + ": " + e.getClass().getSimpleName(), e);
    }
  }

  /** The start script inside {@code installDir}, under a content-addressed name. */
  static Path startScript(Path installDir) {
    try {
      return ensureStartScript(installDir);
    } catch (IOException e) {
      throw new RuntimeStartException("cannot write the start script into " + installDir + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  private void installLocked(Path dir, RuntimePackages packages) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path lockFile = parent.resolve(dir.getFileName() + ".lock");
    // A FileLock is held per JVM, not per thread: serialize this JVM's threads first.
    synchronized (RuntimeInstaller.class) {
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        LOG.info("waiting for the runtime install lock {}", lockFile);
        try (FileLock lock = channel.lock()) {
          if (Files.exists(dir.resolve(MARKER))) {
            return;
          }
          install(dir, parent, packages);
        }
      }
    }
  }

  private void install(Path dir, Path parent, RuntimePackages packages) throws IOException {
    NodeTools.requireNodeAndNpm(npmEnvironment);
    removeLeftovers(dir, parent);
    Path staging = parent.resolve(dir.getFileName() + ".tmp-" + UUID.randomUUID());
    Path log = parent.resolve(dir.getFileName() + ".install.log");
    Files.createDirectories(staging);
    Files.write(staging.resolve("package.json"), packages.packageJson());
    Files.write(staging.resolve("package-lock.json"), packages.lockfile());
    LOG.info("installing {} into {} (first start only; about a minute; npm output in {})", packages, dir, log);
    long started = System.nanoTime();
    boolean installed = false;
    try {
      runNpm(staging, log, started, packages);
      Files.writeString(staging.resolve(MARKER), packages + "\n");
      try {
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
        throw new RuntimeStartException("cannot move the finished install into " + dir, e);
      }
      installed = true;
      LOG.info("installed {} in {} s", packages, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    } finally {
      if (!installed) {
        deleteTree(staging);
      }
    }
  }

  private void runNpm(Path staging, Path log, long started, RuntimePackages packages) throws IOException {
    // Optional dependencies are platform binaries nothing of the runtime runs (103 MB of bun).
    ProcessBuilder builder = new ProcessBuilder(List.of("npm", "ci", "--ignore-scripts", "--omit=optional", "--no-audit",
        "--no-fund", "--no-update-notifier"))
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
          throw new RuntimeStartException("npm ci of " + packages + " took longer than " + INSTALL_TIMEOUT
              + "; see " + log);
        }
        LOG.info("still installing {} ({} s)", packages, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
      }
    } catch (InterruptedException e) {
      npm.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new RuntimeStartException("interrupted while installing " + packages, e);
    }
    if (npm.exitValue() != 0) {
      if (Files.readString(log).contains("EINTEGRITY")) {
        throw new RuntimeStartException("npm refused a package whose content does not match its integrity hash in"
            + " the runtime lockfile (EINTEGRITY): the lockfile or the registry's copy was altered; see " + log);
      }
      throw new RuntimeStartException("npm ci of " + packages + " failed with exit code " + npm.exitValue()
          + "; see " + log);
    }
  }

  /** An install directory without its marker, and staging directories of dead installers, are removed. */
  private static void removeLeftovers(Path dir, Path parent) throws IOException {
    if (Files.exists(dir)) {
      LOG.warn("removing the incomplete runtime install {}", dir);
      deleteTree(dir);
    }
    String prefix = dir.getFileName() + ".tmp-";
    try (Stream<Path> siblings = Files.list(parent)) {
      for (Path p : siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        deleteTree(p);
      }
    }
  }

  /** The start script under a content-addressed name, so a changed script never meets a stale copy. */
  private static Path ensureStartScript(Path installDir) throws IOException {
    byte[] script;
    try (InputStream in = RuntimeInstaller.class.getResourceAsStream(START_SCRIPT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + START_SCRIPT_RESOURCE);
      }
      script = in.readAllBytes();
    }
    Path target = installDir.resolve("gatehouse-eliza-start-" + sha256(script).substring(0, 12) + ".mjs");
    if (!Files.exists(target)) {
      Path temp = installDir.resolve(target.getFileName() + ".tmp-" + UUID.randomUUID());
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
