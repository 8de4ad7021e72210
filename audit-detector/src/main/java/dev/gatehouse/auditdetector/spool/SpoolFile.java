package dev.gatehouse.auditdetector.spool;

import dev.gatehouse.auditdetector.chain.ChainedEvent;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only local spool of one node's chained events, used while PostgreSQL is unavailable.
 *
 * <p><b>Format.</b> A sequence of frames {@code uint32 length | uint32 CRC32C(payload) | payload},
 * integers big-endian, payload the UTF-8 JSON document of {@link ChainedEvent#toJson()}. The
 * events of a spool have consecutive sequence numbers.
 *
 * <p><b>Durability.</b> {@link #append} writes a whole batch and then forces it to disk
 * ({@code fdatasync}); when it returns, the batch survives a crash. A crash during an append can
 * leave a torn last frame: {@link #open} cuts the file at the first frame that is incomplete, fails
 * its checksum or breaks the sequence, and logs how many bytes it cut. Events lost that way leave a
 * gap that {@code ChainVerifier} reports.
 *
 * <p><b>Confinement.</b> Every method does blocking I/O: call it from a worker thread, one call at
 * a time (the writer uses ordered {@code executeBlocking}). Files are created owner-only
 * ({@code 0600}, directory {@code 0700}) where the file system supports POSIX permissions.
 */
public final class SpoolFile implements Closeable {

  /** Suffix of spool file names: {@code <node id>.audit-spool}. */
  public static final String FILE_SUFFIX = ".audit-spool";
  /** Largest accepted frame payload; anything larger is treated as corruption. */
  public static final int MAX_FRAME_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(SpoolFile.class);
  private static final int HEADER_BYTES = 2 * Integer.BYTES;
  private static final int READ_BLOCK_BYTES = 4 << 20;

  private final Path path;
  private final long maxBytes;
  private final FileChannel channel;
  private volatile long size;
  private ChainedEvent last;

  private SpoolFile(Path path, long maxBytes, FileChannel channel) {
    this.path = path;
    this.maxBytes = maxBytes;
    this.channel = channel;
  }

  /**
   * Opens (creating if needed) the spool of {@code nodeId} under {@code directory}, validates it
   * and cuts a torn tail.
   *
   * @param maxBytes cap on the file size; {@link #append} refuses batches beyond it
   * @throws IOException if the directory or file cannot be created, opened or read
   */
  public static SpoolFile open(Path directory, String nodeId, long maxBytes) throws IOException {
    ChainedEvent.requireNodeId(nodeId);
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory, ownerOnly(posix, "rwx------"));
    }
    Path path = directory.resolve(nodeId + FILE_SUFFIX);
    boolean created = !Files.exists(path);
    if (created) {
      Files.createFile(path, ownerOnly(posix, "rw-------"));
      syncDirectory(directory);
    }
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    SpoolFile spool = new SpoolFile(path, maxBytes, channel);
    try {
      spool.recover();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return spool;
  }

  /** Path of the spool file. */
  public Path path() {
    return path;
  }

  /** Current file size in bytes; safe to read from any thread. */
  public long size() {
    return size;
  }

  /** Whether the spool holds no event. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** The last event in the spool, if any. */
  public Optional<ChainedEvent> last() {
    return Optional.ofNullable(last);
  }

  /**
   * Appends a batch and forces it to disk. All or nothing with respect to the cap: a batch that
   * does not fit is not written at all.
   *
   * @throws SpoolFullException if the batch would take the file beyond its cap
   * @throws IOException if writing or syncing fails (the file is cut back to its previous size
   *     when possible)
   */
  public void append(List<ChainedEvent> batch) throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    byte[] frames = encode(batch);
    if (size + frames.length > maxBytes) {
      throw new SpoolFullException(size, frames.length, maxBytes);
    }
    long before = size;
    try {
      ByteBuffer buffer = ByteBuffer.wrap(frames);
      long position = before;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      channel.force(false);
    } catch (IOException e) {
      cutTo(before);
      throw e;
    }
    size = before + frames.length;
    last = batch.get(batch.size() - 1);
  }

  /**
   * Reads up to {@code maxEvents} events starting at {@code offset} (0, or a
   * {@link SpoolChunk#nextOffset()} of this spool).
   *
   * @throws IOException if reading fails or the data at {@code offset} is not a valid frame
   */
  public SpoolChunk read(long offset, int maxEvents) throws IOException {
    List<ChainedEvent> events = new ArrayList<>(Math.min(maxEvents, 4096));
    long position = offset;
    long end = size;
    while (events.size() < maxEvents && position < end) {
      int block = (int) Math.min(READ_BLOCK_BYTES, end - position);
      ByteBuffer buffer = ByteBuffer.allocate(block);
      readFully(buffer, position);
      buffer.flip();
      int consumed = 0;
      while (events.size() < maxEvents) {
        Frame frame = Frame.parse(buffer);
        if (frame == null) {
          break;
        }
        if (!frame.valid()) {
          throw new IOException("spool corrupt at offset " + (position + consumed));
        }
        events.add(frame.event());
        consumed = buffer.position();
      }
      if (consumed == 0) {
        throw new IOException("spool frame at offset " + position + " exceeds the read block");
      }
      position += consumed;
    }
    return new SpoolChunk(events, position);
  }

  /** Empties the spool (after every event in it has been stored) and forces the change. */
  public void clear() throws IOException {
    channel.truncate(0);
    channel.force(true);
    size = 0;
    last = null;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private void recover() throws IOException {
    long fileSize = channel.size();
    size = fileSize;
    long position = 0;
    ChainedEvent previous = null;
    boolean damaged = false;
    while (position < fileSize && !damaged) {
      int block = (int) Math.min(READ_BLOCK_BYTES, fileSize - position);
      ByteBuffer buffer = ByteBuffer.allocate(block);
      readFully(buffer, position);
      buffer.flip();
      int consumed = 0;
      while (true) {
        Frame frame = Frame.parse(buffer);
        if (frame == null) {
          break;
        }
        if (!frame.valid() || (previous != null && frame.event().seq() != previous.seq() + 1)) {
          damaged = true;
          break;
        }
        previous = frame.event();
        consumed = buffer.position();
      }
      if (consumed == 0) {
        break;
      }
      position += consumed;
    }
    if (position < fileSize) {
      LOG.error("audit spool {} has an invalid tail at offset {}; cutting {} bytes", path.getFileName(),
          position, fileSize - position);
      cutTo(position);
    }
    size = position;
    last = previous;
  }

  private void cutTo(long length) throws IOException {
    channel.truncate(length);
    channel.force(true);
    size = length;
  }

  private void readFully(ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at);
      if (read < 0) {
        throw new IOException("spool ended early");
      }
      at += read;
    }
  }

  private static byte[] encode(List<ChainedEvent> batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(batch.size() * 768);
    CRC32C crc = new CRC32C();
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    for (ChainedEvent event : batch) {
      byte[] payload = event.toJson().encode().getBytes(StandardCharsets.UTF_8);
      crc.reset();
      crc.update(payload);
      header.clear();
      header.putInt(payload.length).putInt((int) crc.getValue());
      out.write(header.array(), 0, HEADER_BYTES);
      out.write(payload, 0, payload.length);
    }
    return out.toByteArray();
  }

  private static FileAttribute<?>[] ownerOnly(boolean posix, String permissions) {
    if (!posix) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
  }

  private static void syncDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      LOG.debug("directory sync not supported for the audit spool directory", e);
    }
  }

  /** One decoded frame; {@code event} is null when the frame is damaged. */
  private record Frame(ChainedEvent event) {

    boolean valid() {
      return event != null;
    }

    /**
     * Parses the frame at the buffer's position and advances past it; returns null (position
     * unchanged) when the buffer does not hold the whole frame.
     */
    static Frame parse(ByteBuffer buffer) {
      if (buffer.remaining() < HEADER_BYTES) {
        return null;
      }
      int start = buffer.position();
      int length = buffer.getInt(start);
      int checksum = buffer.getInt(start + Integer.BYTES);
      if (length <= 0 || length > MAX_FRAME_BYTES) {
        buffer.position(start + HEADER_BYTES);
        return new Frame(null);
      }
      if (buffer.remaining() < HEADER_BYTES + length) {
        return null;
      }
      byte[] payload = new byte[length];
      buffer.position(start + HEADER_BYTES);
      buffer.get(payload);
      CRC32C crc = new CRC32C();
      crc.update(payload);
      if ((int) crc.getValue() != checksum) {
        return new Frame(null);
      }
      try {
        return new Frame(ChainedEvent.fromJson(new JsonObject(new String(payload, StandardCharsets.UTF_8))));
      } catch (RuntimeException e) {
        return new Frame(null);
      }
    }
  }
}
