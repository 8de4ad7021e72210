package dev.gatehouse.auditdetector.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainHasher;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.testsupport.SampleEvents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolFileTest {

  private static final long CAP = 1 << 20;

  @TempDir
  Path dir;

  private static List<ChainedEvent> chain(long firstSeq, int count, ChainHash previous) {
    ChainHasher hasher = new ChainHasher();
    List<ChainedEvent> events = new ArrayList<>();
    ChainHash prev = previous;
    for (int i = 0; i < count; i++) {
      ChainedEvent event = hasher.link("node-s", firstSeq + i, prev,
          SampleEvents.allowed((int) firstSeq + i, "ws", Instant.now()));
      events.add(event);
      prev = event.hash();
    }
    return events;
  }

  @Test
  void appended_batches_are_read_back_in_order() throws IOException {
    List<ChainedEvent> first = chain(1, 5, ChainHash.GENESIS);
    List<ChainedEvent> second = chain(6, 3, first.get(4).hash());
    try (SpoolFile spool = SpoolFile.open(dir, "node-s", CAP)) {
      spool.append(first);
      spool.append(second);
      SpoolChunk part = spool.read(0, 4);
      SpoolChunk rest = spool.read(part.nextOffset(), 100);
      assertEquals(first.subList(0, 4), part.events());
      List<ChainedEvent> expected = new ArrayList<>(first.subList(4, 5));
      expected.addAll(second);
      assertEquals(expected, rest.events());
      assertTrue(spool.read(rest.nextOffset(), 100).events().isEmpty());
    }
  }

  @Test
  void reopening_finds_the_last_event() throws IOException {
    List<ChainedEvent> events = chain(1, 3, ChainHash.GENESIS);
    try (SpoolFile spool = SpoolFile.open(dir, "node-s", CAP)) {
      spool.append(events);
    }
    try (SpoolFile spool = SpoolFile.open(dir, "node-s", CAP)) {
      assertEquals(events.get(2), spool.last().orElseThrow());
    }
  }

  @Test
  void a_torn_final_frame_is_cut_at_open() throws IOException {
    List<ChainedEvent> events = chain(1, 3, ChainHash.GENESIS);
    Path file;
    long intact;
    try (SpoolFile spool = SpoolFile.open(dir, "node-s", CAP)) {
      spool.append(events);
      file = spool.path();
      intact = spool.size();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap(new byte[] {0, 0, 1, 0, 9, 9, 9}));
    }
    try (SpoolFile spool = SpoolFile.open(dir, "node-s", CAP)) {
      assertEquals(intact, spool.size());
      assertEquals(intact, Files.size(file));
      assertEquals(events, spool.read(0, 10).events());
    }
  }

  @Test
  void a_corrupted_frame_and_everything_after_it_are_cut() throws IOException {
    List<ChainedEvent> events = chain(1, 3, ChainHash.GENESIS);
    Path file;
    try (SpoolFile spool = SpoolFile.open(dir, "node-s", CAP)) {
      spool.append(events.subList(0, 1));
      spool.append(events.subList(1, 3));
      file = spool.path();
    }
    long firstFrameEnd;
    try (SpoolFile spool = SpoolFile.open(dir, "node-s", CAP)) {
      firstFrameEnd = spool.read(0, 1).nextOffset();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {'#'}), firstFrameEnd + 20);
    }
    try (SpoolFile spool = SpoolFile.open(dir, "node-s", CAP)) {
      assertEquals(List.of(events.get(0)), spool.read(0, 10).events());
      assertEquals(events.get(0), spool.last().orElseThrow());
    }
  }

  @Test
  void a_batch_beyond_the_cap_is_refused_and_not_written() throws IOException {
    try (SpoolFile spool = SpoolFile.open(dir, "node-s", 2_000)) {
      List<ChainedEvent> events = chain(1, 10, ChainHash.GENESIS);
      assertThrows(SpoolFullException.class, () -> spool.append(events));
      assertEquals(0, spool.size());
      assertTrue(spool.isEmpty());
    }
  }

  @Test
  void clearing_empties_the_spool() throws IOException {
    try (SpoolFile spool = SpoolFile.open(dir, "node-s", CAP)) {
      spool.append(chain(1, 3, ChainHash.GENESIS));
      spool.clear();
      assertTrue(spool.isEmpty());
      assertTrue(spool.last().isEmpty());
      assertTrue(spool.read(0, 10).events().isEmpty());
    }
  }

  @Test
  void spool_file_and_directory_are_private_to_the_owner() throws IOException {
    Path nested = dir.resolve("spool");
    try (SpoolFile spool = SpoolFile.open(nested, "node-s", CAP)) {
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(spool.path()));
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE), Files.getPosixFilePermissions(nested));
    }
  }
}
