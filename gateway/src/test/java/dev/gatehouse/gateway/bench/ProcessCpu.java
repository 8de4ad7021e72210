package dev.gatehouse.gateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time (user + system) of one process, or of a server process and all its children (a
 * PostgreSQL postmaster and its backends), read from {@code /proc/<pid>/stat}. A {@link #snapshot}
 * before and after a round gives the CPU the round cost; a child that exits between the two loses
 * its share, a child started between them counts in full.
 */
final class ProcessCpu {

  /** Linux's USER_HZ, the unit of utime and stime in {@code /proc/<pid>/stat} on every architecture. */
  static final double TICKS_PER_SECOND = 100.0;

  private final long pid;
  private final boolean withChildren;
  private final String name;

  private ProcessCpu(String name, long pid, boolean withChildren) {
    this.name = name;
    this.pid = pid;
    this.withChildren = withChildren;
  }

  static ProcessCpu of(String name, long pid) {
    return new ProcessCpu(name, pid, false);
  }

  static ProcessCpu withChildren(String name, long pid) {
    return new ProcessCpu(name, pid, true);
  }

  /** Whether {@code /proc} can be read here. */
  static boolean available() {
    return Files.isReadable(Path.of("/proc/self/stat"));
  }

  String name() {
    return name;
  }

  /** Ticks used so far, per process. */
  Map<Long, Long> snapshot() throws IOException {
    Map<Long, Long> ticks = new HashMap<>();
    ticks.put(pid, stat(pid)[1]);
    if (withChildren) {
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path p : (Iterable<Path>) procs::iterator) {
          String dir = p.getFileName().toString();
          if (!dir.chars().allMatch(Character::isDigit)) {
            continue;
          }
          try {
            long[] stat = stat(Long.parseLong(dir));
            if (stat[0] == pid) {
              ticks.put(Long.parseLong(dir), stat[1]);
            }
          } catch (IOException gone) {
            // The process exited while /proc was listed.
          }
        }
      }
    }
    return ticks;
  }

  /** Microseconds of CPU used between two snapshots. */
  static double micros(Map<Long, Long> before, Map<Long, Long> after) {
    long ticks = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return ticks / TICKS_PER_SECOND * 1e6;
  }

  /** {parent pid, utime + stime} of {@code pid}. */
  private static long[] stat(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after the command name, which is in parentheses and may contain spaces.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // f[0] is field 3 (state): ppid is field 4, utime field 14, stime field 15.
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])};
  }
}
