package dev.gatehouse.gateway.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The runbook grammar the drills rely on: what is a drilled command, what is checked, what is refused. */
class RunbookTest {

  @TempDir
  Path dir;

  Runbook parse(String markdown) throws Exception {
    Path file = dir.resolve("book.md");
    Files.writeString(file, markdown);
    return Runbook.load(file);
  }

  @Test
  void consoleBlocksBecomeStepsUnderTheirHeadingAnchor() throws Exception {
    Runbook book = parse("""
        # Runbook: a thing
        ## 2. Contain: revoke
        ```console
        $ gatehouse token revoke --reason "x y" -- <jti>
        # expect exit 0
        # expect output: "revoked" : 1
        # a comment
        $ gatehouse token list
        # expect exit 0
        ```
        ```sh
        rm -rf /   # never drilled: not a console block
        ```
        """);
    assertEquals(List.of("runbook-a-thing", "2-contain-revoke"), book.anchors);
    assertEquals(1, book.blocks.size());
    Runbook.Block block = book.blocks.get(0);
    assertEquals("2-contain-revoke", block.anchor());
    assertTrue(block.drillable());
    assertEquals(2, block.steps().size());
    assertEquals(0, block.steps().get(0).exit());
    assertEquals(List.of("\"revoked\" : 1"), block.steps().get(0).outputs());
    assertEquals(List.of(), block.steps().get(1).outputs());
  }

  @Test
  void aMarkedBlockIsNotDrillableAndACommandWithoutExpectationHasNoExit() throws Exception {
    Runbook book = parse("""
        ## Later
        ```console
        # not drilled yet: needs a command this build lacks
        $ gatehouse alerts list
        # expect exit 0
        ```
        ## Sloppy
        ```console
        $ gatehouse keys list
        ```
        """);
    assertFalse(book.blocks.get(0).drillable());
    assertEquals("needs a command this build lacks", book.blocks.get(0).notDrilledReason());
    assertNull(book.blocks.get(1).steps().get(0).exit(), "the drill refuses a command without `# expect exit`");
  }

  @Test
  void malformedBlocksAreRefused() {
    assertThrows(IllegalStateException.class, () -> parse("```console\n# expect exit 0\n```\n"));
    assertThrows(IllegalStateException.class, () -> parse("```console\n$ gatehouse x\n# expect exit zero\n```\n"));
    assertThrows(IllegalStateException.class, () -> parse("```console\n$ gatehouse x\nsample output\n```\n"));
    assertThrows(IllegalStateException.class, () -> parse("```console\n$ gatehouse x\n"));
  }

  @Test
  void commandsSplitLikeAShellAndRefuseShellSyntax() {
    assertEquals(List.of("gatehouse", "token", "revoke", "--reason", "IR-1: a b", "--", "<jti>"),
        Drill.split("gatehouse token revoke --reason \"IR-1: a b\" -- <jti>", "t"));
    assertEquals(List.of("gatehouse", "x", "it's"), Drill.split("gatehouse x \"it's\"", "t"));
    for (String shell : List.of("gatehouse x | y", "gatehouse $(id)", "gatehouse `id`", "gatehouse x; y",
        "gatehouse x && y", "gatehouse \\n", "gatehouse \"open")) {
      assertThrows(AssertionFailedError.class, () -> Drill.split(shell, "t"), shell);
    }
  }
}
