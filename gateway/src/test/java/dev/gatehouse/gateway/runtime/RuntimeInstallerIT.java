package dev.gatehouse.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime install with real npm from the registry, over a one-package lockfile (the shipped
 * one takes a minute; the install code is the same): installed exactly as pinned, and refused
 * with a clear error when a package's content does not match the lockfile's integrity hash.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RuntimeInstallerIT {

  static final String GOOD_INTEGRITY =
      "sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==";

  static byte[] lockfile() throws Exception {
    try (InputStream in = RuntimeInstallerIT.class.getResourceAsStream("/runtime/tiny-package-lock.json")) {
      return in.readAllBytes();
    }
  }

  static RuntimePackages packages(byte[] lockfile) {
    return new RuntimePackages(Map.of("is-number", "7.0.0"), Set.of(), lockfile);
  }

  /** npm retries a refused download for minutes by default; once is enough to see the refusal. */
  static RuntimeInstaller installer() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("npm_config_fetch_retries", "0");
    return new RuntimeInstaller(RuntimeEnvironment.forNpm(env));
  }

  @Test
  void the_lockfile_is_installed_exactly_and_only_once(@TempDir Path cache) throws Exception {
    RuntimePackages packages = packages(lockfile());

    Path dir = installer().ensureInstalled(cache, packages);

    assertTrue(Files.exists(dir.resolve("node_modules/is-number/package.json")));
    assertTrue(Files.readString(dir.resolve("node_modules/is-number/package.json")).contains("\"version\": \"7.0.0\""));
    assertTrue(Files.exists(dir.resolve(RuntimeInstaller.MARKER)));
    long modified = Files.getLastModifiedTime(dir.resolve(RuntimeInstaller.MARKER)).toMillis();
    installer().ensureInstalled(cache, packages);
    assertTrue(modified == Files.getLastModifiedTime(dir.resolve(RuntimeInstaller.MARKER)).toMillis(), "not installed twice");
  }

  @Test
  @Tag("T-SUP-005")
  void a_package_whose_content_does_not_match_the_lockfile_fails_the_install_with_a_clear_error(@TempDir Path cache)
      throws Exception {
    String tampered = new String(lockfile(), StandardCharsets.UTF_8)
        .replace(GOOD_INTEGRITY, GOOD_INTEGRITY.replace("41Cifkg6", "41Cifkg7"));
    RuntimePackages packages = packages(tampered.getBytes(StandardCharsets.UTF_8));

    RuntimeStartException e = assertThrows(RuntimeStartException.class,
        () -> installer().ensureInstalled(cache, packages));

    assertTrue(e.getMessage().contains("EINTEGRITY"), e.getMessage());
    assertTrue(e.getMessage().contains("integrity hash"), e.getMessage());
    assertFalse(Files.exists(cache.resolve(packages.installName())), "nothing installed");
    try (Stream<Path> left = Files.list(cache)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no staging directory left");
    }
  }
}
