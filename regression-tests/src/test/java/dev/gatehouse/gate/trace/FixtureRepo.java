package dev.gatehouse.gate.trace;

import dev.gatehouse.gate.register.ChecklistRenderer;
import dev.gatehouse.gate.register.Register;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small repository on disk for gate tests: a register, a checklist (CHECKLIST.md rendered from
 * it unless a test says otherwise), one module's JUnit report and test sources with tags.
 */
final class FixtureRepo {

  final Path root;
  private final List<String> threats = new ArrayList<>();
  private final List<String> items = new ArrayList<>();
  private final List<String> testcases = new ArrayList<>();
  private final List<String[]> sources = new ArrayList<>();

  FixtureRepo(Path root) {
    this.root = root;
  }

  FixtureRepo threat(String yaml) {
    threats.add(yaml);
    return this;
  }

  FixtureRepo item(String yaml) {
    items.add(yaml);
    return this;
  }

  /** A report entry: {@code outcome} is passed, failed or skipped. */
  FixtureRepo testcase(String className, String name, String outcome) {
    String body = switch (outcome) {
      case "failed" -> "<failure message=\"expected 401\" type=\"AssertionError\">x</failure>";
      case "skipped" -> "<skipped/>";
      default -> "";
    };
    testcases.add("<testcase name=\"" + name.replace("\"", "&quot;") + "\" classname=\"" + className + "\" time=\"0.1\">"
        + body + "</testcase>");
    return this;
  }

  /** A test source file of module {@code m} containing {@code body}. */
  FixtureRepo source(String className, String body) {
    sources.add(new String[] {className, body});
    return this;
  }

  Path write() throws IOException {
    write(Register.THREATS, "version: 1\nthreats:\n" + String.join("", threats));
    write(Register.CHECKLIST, "version: 1\nitems:\n" + String.join("", items));
    write("docs/GUIDE.md", "# Guide\n\n## Admin credential\n\nThe token is written with mode 0600.\n");
    write("m/target/surefire-reports/TEST-fixture.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"f\">"
        + String.join("\n", testcases) + "</testsuite>\n");
    for (String[] s : sources) {
      write("m/src/test/java/" + s[0].replace('.', '/') + ".java", s[1]);
    }
    Register register = Register.load(root);
    write(ChecklistRenderer.FILE, ChecklistRenderer.render(register.checklist().values()));
    return root;
  }

  void write(String path, String text) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  static String mitigated(String id, String... tests) {
    StringBuilder t = new StringBuilder();
    for (String test : tests) {
      t.append("          - ").append(test).append('\n');
    }
    return "  - id: " + id + "\n    title: Fixture threat " + id + "\n    severity: high\n    status: mitigated\n"
        + "    mitigations:\n      - text: The control.\n        tests:\n" + t + "    checklist: [ASVS-V9.1.1]\n";
  }

  static String accepted(String id, String owner, String expires) {
    return "  - id: " + id + "\n    title: Accepted " + id + "\n    severity: medium\n    status: accepted\n"
        + (owner == null ? "" : "    owner: " + owner + "\n") + "    expires: " + expires + "\n"
        + "    rationale: Not built yet.\n    mitigations:\n      - text: Partial control.\n        tests:\n"
        + "          - dev.x.ATest#passes\n";
  }

  static String checked(String id, String test, String threat) {
    return "  - id: " + id + "\n    level: 1\n    text: Requirement " + id + ".\n    checks:\n      - " + test
        + "\n    threats: [" + threat + "]\n";
  }
}
