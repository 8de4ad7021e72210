package dev.gatehouse.gate.cli;

import dev.gatehouse.gate.register.ChecklistRenderer;
import dev.gatehouse.gate.register.Register;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse-gate checklist}: regenerates security-checklist/CHECKLIST.md from checklist.yaml. */
@Command(name = "checklist", mixinStandardHelpOptions = true,
    description = "Render security-checklist/CHECKLIST.md from checklist.yaml.")
final class ChecklistCommand implements Callable<Integer> {

  @Option(names = "--root", defaultValue = ".", description = "Repository root (default: ${DEFAULT-VALUE}).")
  Path root;

  @Override
  public Integer call() throws Exception {
    Path repo = root.toAbsolutePath().normalize();
    Register register = Register.load(repo);
    if (!register.problems().isEmpty()) {
      register.problems().forEach(p -> System.err.println("gatehouse-gate checklist: " + p));
      return 2;
    }
    Files.writeString(repo.resolve(ChecklistRenderer.FILE), ChecklistRenderer.render(register.checklist().values()),
        StandardCharsets.UTF_8);
    System.out.println("wrote " + ChecklistRenderer.FILE);
    return 0;
  }
}
