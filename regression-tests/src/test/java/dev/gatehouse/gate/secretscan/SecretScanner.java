package dev.gatehouse.gate.secretscan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks for committed secrets in the files a repository tracks ({@code git ls-files}):
 * private-key blocks, signed JWTs, well-known token formats, and random-looking values assigned
 * to a name that says key, secret, token, password or salt: at least {@value #MIN_HEX_LENGTH} hex
 * digits, or at least {@value #MIN_ASSIGNED_LENGTH} characters mixing upper case, lower case and
 * digits with at least {@value #MIN_ASSIGNED_ENTROPY} bits of entropy per character. A finding names the file,
 * the line and the rule, never the matched value, so a report can be shared. Binary files (a NUL
 * byte in their first {@value #BINARY_PROBE_BYTES} bytes) are skipped.
 */
public final class SecretScanner {

  /** Bytes read to decide whether a file is binary. */
  static final int BINARY_PROBE_BYTES = 8192;
  /** Shortest assigned hex value that counts as a secret: 128 bits. */
  static final int MIN_HEX_LENGTH = 32;
  /** Shortest assigned mixed-case value that can count as a secret. */
  static final int MIN_ASSIGNED_LENGTH = 20;
  /** Least Shannon entropy, in bits per character, of an assigned mixed-case value that counts as a secret. */
  static final double MIN_ASSIGNED_ENTROPY = 4.0;
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{" + MIN_HEX_LENGTH + ",}");
  private static final Pattern UPPER = Pattern.compile("[A-Z]");
  private static final Pattern LOWER = Pattern.compile("[a-z]");
  private static final Pattern DIGIT = Pattern.compile("[0-9]");

  /** What was found: never the value itself. */
  public record Finding(String path, int line, Rule rule) {
    @Override
    public String toString() {
      return path + ":" + line + " " + rule.id();
    }
  }

  /** The kinds of secret looked for; {@link #id()} is what the allowlist names. */
  public enum Rule {
    PRIVATE_KEY("private-key", Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    JWT("jwt", Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}")),
    KNOWN_TOKEN("known-token", Pattern.compile(
        "AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,}|hvs\\.[A-Za-z0-9_-]{24,}"
            + "|xox[abporst]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9]{32,}")),
    ASSIGNED_SECRET("assigned-secret", Pattern.compile(
        "(?i)[A-Za-z0-9_.-]*(?:key|secret|token|passw(?:or)?d|salt)[A-Za-z0-9_.-]*[\"']?\\s*[:=]\\s*[\"']?"
            + "([A-Za-z0-9+/_=-]{" + MIN_ASSIGNED_LENGTH + ",})(?=[\"'\\s,;)]|$)"));

    private final String id;
    private final Pattern pattern;

    Rule(String id, Pattern pattern) {
      this.id = id;
      this.pattern = pattern;
    }

    public String id() {
      return id;
    }
  }

  private SecretScanner() {}

  /** The repository's tracked files, relative to {@code root}; fails if git cannot list them. */
  public static List<String> trackedFiles(Path root) throws IOException, InterruptedException {
    Process git = new ProcessBuilder("git", "ls-files", "-z").directory(root.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] listing;
    try (InputStream out = git.getInputStream()) {
      listing = out.readAllBytes();
    }
    if (!git.waitFor(60, TimeUnit.SECONDS) || git.exitValue() != 0) {
      throw new IOException("git ls-files failed in " + root);
    }
    List<String> files = new ArrayList<>();
    for (String name : new String(listing, StandardCharsets.UTF_8).split("\0")) {
      if (!name.isEmpty()) {
        files.add(name);
      }
    }
    return files;
  }

  /** Findings in {@code files} (paths relative to {@code root}); a listed file that is gone is skipped. */
  public static List<Finding> scan(Path root, List<String> files) throws IOException {
    List<Finding> findings = new ArrayList<>();
    for (String file : files) {
      Path path = root.resolve(file);
      if (!Files.isRegularFile(path)) {
        continue;
      }
      byte[] bytes = Files.readAllBytes(path);
      if (!binary(bytes)) {
        findings.addAll(scanText(file, new String(bytes, StandardCharsets.UTF_8)));
      }
    }
    return findings;
  }

  /** Findings in one file's text, in line order. */
  public static List<Finding> scanText(String path, String text) {
    List<Finding> findings = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      for (Rule rule : Rule.values()) {
        if (matches(rule, lines[i])) {
          findings.add(new Finding(path, i + 1, rule));
        }
      }
    }
    return findings;
  }

  private static boolean matches(Rule rule, String line) {
    Matcher m = rule.pattern.matcher(line);
    while (m.find()) {
      if (rule != Rule.ASSIGNED_SECRET || randomLooking(m.group(1))) {
        return true;
      }
    }
    return false;
  }

  static boolean randomLooking(String value) {
    if (HEX.matcher(value).matches()) {
      return true;
    }
    return UPPER.matcher(value).find() && LOWER.matcher(value).find() && DIGIT.matcher(value).find()
        && entropy(value) >= MIN_ASSIGNED_ENTROPY;
  }

  /** Shannon entropy of {@code value} in bits per character. */
  static double entropy(String value) {
    Map<Character, Integer> counts = new HashMap<>();
    for (char c : value.toCharArray()) {
      counts.merge(c, 1, Integer::sum);
    }
    double bits = 0;
    for (int count : counts.values()) {
      double p = (double) count / value.length();
      bits -= p * Math.log(p) / Math.log(2);
    }
    return bits;
  }

  private static boolean binary(byte[] bytes) {
    byte[] probe = Arrays.copyOf(bytes, Math.min(bytes.length, BINARY_PROBE_BYTES));
    for (byte b : probe) {
      if (b == 0) {
        return true;
      }
    }
    return false;
  }
}
