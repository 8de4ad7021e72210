package dev.gatehouse.gateway.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the managed runtime is installed from: {@value ManagedRuntime#PACKAGE}@{@value
 * ManagedRuntime#VERSION} plus the operator's plugin allowlist ({@code runtime.plugins}), each an
 * npm package pinned to an exact version, and the npm lockfile that pins every package of the
 * tree with its {@code integrity} hash. {@code npm ci} installs exactly that tree and refuses any
 * package whose content does not match its hash.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>Plugin specs are {@code name@X.Y.Z} (a pre-release suffix allowed): no range, tag, URL or
 *       path, so the allowlist names exactly what runs.</li>
 *   <li>The lockfile's root dependencies are exactly the server and the plugins at their
 *       versions, and every package it downloads has a {@code sha512} integrity hash (and, where
 *       it names a source, an {@code https} one); otherwise it is refused before npm runs.</li>
 *   <li>{@link #installName} changes with the lockfile, so a changed allowlist installs beside
 *       the old one instead of over it.</li>
 * </ul>
 */
public final class RuntimePackages {

  /** The plugin allowlist shipped with Gatehouse; its lockfile is a resource. */
  public static final List<String> DEFAULT_PLUGINS = List.of(
      "@elizaos/plugin-sql@1.7.2", "@elizaos/plugin-bootstrap@1.7.2", "@elizaos/plugin-openai@1.6.0");
  static final String SHIPPED_LOCKFILE = "/runtime/package-lock.json";
  /** The name of the install's own package.json. */
  static final String PACKAGE_NAME = "gatehouse-managed-runtime";

  private static final Pattern SPEC = Pattern.compile(
      "^((?:@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*)@(\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> dependencies;
  private final Set<String> plugins;
  private final byte[] lockfile;

  RuntimePackages(Map<String, String> dependencies, Set<String> plugins, byte[] lockfile) {
    this.dependencies = Map.copyOf(dependencies);
    this.plugins = Collections.unmodifiableSet(new TreeSet<>(plugins));
    this.lockfile = lockfile.clone();
    checkLockfile();
  }

  /** The default allowlist with the shipped lockfile. */
  public static RuntimePackages shipped() {
    try (InputStream in = RuntimePackages.class.getResourceAsStream(SHIPPED_LOCKFILE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + SHIPPED_LOCKFILE);
      }
      return of(DEFAULT_PLUGINS, in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + SHIPPED_LOCKFILE, e);
    }
  }

  /**
   * The server plus {@code pluginSpecs}, installed from {@code lockfile}.
   *
   * @throws IllegalArgumentException naming the first spec or lockfile entry refused
   */
  public static RuntimePackages of(List<String> pluginSpecs, byte[] lockfile) {
    Map<String, String> plugins = pinned(pluginSpecs);
    Map<String, String> dependencies = new TreeMap<>(plugins);
    dependencies.put(ManagedRuntime.PACKAGE, ManagedRuntime.VERSION);
    return new RuntimePackages(dependencies, plugins.keySet(), lockfile);
  }

  /**
   * Plugin names and their versions from {@code name@X.Y.Z} specs.
   *
   * @throws IllegalArgumentException naming the first spec refused
   */
  public static Map<String, String> pinned(List<String> pluginSpecs) {
    Map<String, String> plugins = new TreeMap<>();
    for (String spec : pluginSpecs) {
      var matcher = SPEC.matcher(spec);
      if (!matcher.matches()) {
        throw new IllegalArgumentException("plugin " + quoted(spec) + " is not an npm package pinned to an exact version"
            + " (name@X.Y.Z)");
      }
      String name = matcher.group(1);
      if (name.equals(ManagedRuntime.PACKAGE) || plugins.put(name, matcher.group(2)) != null) {
        throw new IllegalArgumentException("plugin " + quoted(name) + " is listed twice or is the runtime itself");
      }
    }
    return plugins;
  }

  /** The allowed plugin names, sorted. */
  public Set<String> pluginNames() {
    return plugins;
  }

  /** The install's directory name under {@code runtime.cacheDir}: server version and lockfile hash. */
  public String installName() {
    return "elizaos-" + ManagedRuntime.VERSION + "-" + HexFormat.of().formatHex(sha256(lockfile)).substring(0, 12);
  }

  /** The install's package.json: exactly the pinned dependencies. */
  byte[] packageJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("name", PACKAGE_NAME);
    root.put("private", true);
    ObjectNode deps = root.putObject("dependencies");
    new TreeMap<>(dependencies).forEach(deps::put);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  byte[] lockfile() {
    return lockfile.clone();
  }

  private void checkLockfile() {
    JsonNode root;
    try {
      root = JSON.readTree(lockfile);
    } catch (IOException e) {
      throw new IllegalArgumentException("the lockfile is not JSON");
    }
    JsonNode packages = root == null ? null : root.get("packages");
    if (packages == null || !packages.isObject() || root.path("lockfileVersion").asInt() < 2) {
      throw new IllegalArgumentException("the lockfile must be an npm lockfile of version 2 or 3");
    }
    Map<String, String> pinned = new LinkedHashMap<>();
    packages.path("").path("dependencies").fields().forEachRemaining(e -> pinned.put(e.getKey(), e.getValue().asText()));
    if (!new TreeMap<>(pinned).equals(new TreeMap<>(dependencies))) {
      throw new IllegalArgumentException("the lockfile's dependencies " + new TreeMap<>(pinned)
          + " are not exactly the runtime and its plugins " + new TreeMap<>(dependencies)
          + "; create it with `npm install --package-lock-only --ignore-scripts " + specs() + "`");
    }
    List<String> unchecked = new ArrayList<>();
    packages.fields().forEachRemaining(e -> {
      JsonNode entry = e.getValue();
      if (e.getKey().isEmpty() || entry.path("link").asBoolean(false)) {
        return;
      }
      String resolved = entry.path("resolved").asText("https://");
      boolean hashed = entry.path("integrity").asText("").startsWith("sha512-");
      if (!resolved.startsWith("https://") || !hashed) {
        unchecked.add(e.getKey());
      }
    });
    if (!unchecked.isEmpty()) {
      throw new IllegalArgumentException("the lockfile has " + unchecked.size()
          + " package(s) without a sha512 integrity hash or with a source other than https, e.g. " + unchecked.get(0));
    }
  }

  private String specs() {
    return new TreeMap<>(dependencies).entrySet().stream().map(e -> e.getKey() + "@" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  private static String quoted(String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return "\"" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "RuntimePackages[" + specs() + "]";
  }
}
