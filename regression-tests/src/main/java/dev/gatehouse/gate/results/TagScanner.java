package dev.gatehouse.gate.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds JUnit {@code @Tag} values in test sources. JUnit XML reports carry no tags, so the gate
 * reads them where they are written: every {@code .java} file under a {@code src/test/java}
 * directory of the repository (build output and hidden directories are not searched). A tag
 * that is built at run time instead of written as a string literal is not seen; the register
 * convention is a literal {@code @Tag("T-...")}.
 */
public final class TagScanner {

  private static final Pattern TAG = Pattern.compile("@Tag\\(\\s*(?:value\\s*=\\s*)?\"([^\"]*)\"\\s*\\)");

  private TagScanner() {}

  public static List<TagUse> scan(Path root) throws IOException {
    Path base = root.toAbsolutePath().normalize();
    List<TagUse> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(base)) {
      for (Path file : files.filter(f -> isTestSource(base.relativize(f))).sorted().toList()) {
        out.addAll(scanFile(base, file));
      }
    }
    return out;
  }

  static List<TagUse> scanFile(Path root, Path file) throws IOException {
    String rel = root.relativize(file).toString().replace('\\', '/');
    int src = rel.indexOf("src/test/java/");
    String className = rel.substring(src + "src/test/java/".length(), rel.length() - ".java".length())
        .replace('/', '.');
    List<TagUse> out = new ArrayList<>();
    String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = TAG.matcher(lines[i]);
      while (m.find()) {
        out.add(new TagUse(m.group(1), className, rel, i + 1));
      }
    }
    return out;
  }

  private static boolean isTestSource(Path relative) {
    String path = "/" + relative.toString().replace('\\', '/');
    return path.endsWith(".java") && path.contains("/src/test/java/") && !path.contains("/target/")
        && !path.contains("/.");
  }
}
