package dev.gatehouse.gate.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gate.blackbox.BlackBoxSuite;
import dev.gatehouse.gate.blackbox.Case;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The repository's own register, checklist and rendered checklist, and the black-box cases' threat ids. */
class RepositoryRegisterTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void the_register_and_the_checklist_load_without_problems() throws Exception {
    Register register = Register.load(ROOT);
    assertEquals(List.of(), register.problems());
    assertTrue(register.threats().size() >= 70);
    assertTrue(register.checklist().size() >= 127);
  }

  @Test
  void the_committed_checklist_rendering_is_current() throws Exception {
    Register register = Register.load(ROOT);
    assertEquals(ChecklistRenderer.render(register.checklist().values()),
        Files.readString(ROOT.resolve(ChecklistRenderer.FILE), StandardCharsets.UTF_8),
        "run: java -jar regression-tests/target/gatehouse-gate.jar checklist");
  }

  @Test
  void every_black_box_case_names_threats_of_the_register_and_has_a_unique_id() throws Exception {
    Register register = Register.load(ROOT);
    Set<String> ids = new HashSet<>();
    for (Case c : BlackBoxSuite.cases()) {
      assertTrue(ids.add(c.id()), "duplicate case id " + c.id());
      assertTrue(!c.threats().isEmpty(), c.id() + " names no threat");
      for (String threat : c.threats()) {
        assertTrue(register.threats().containsKey(threat), c.id() + " names unknown threat " + threat);
      }
    }
    // No case id may be a prefix of another, or a Class#method[CASE] citation would name both.
    for (String a : ids) {
      for (String b : ids) {
        assertTrue(a.equals(b) || !b.startsWith(a), a + " is a prefix of " + b);
      }
    }
  }
}
