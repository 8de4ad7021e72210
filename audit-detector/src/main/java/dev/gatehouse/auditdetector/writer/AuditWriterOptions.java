package dev.gatehouse.auditdetector.writer;

import dev.gatehouse.auditdetector.chain.ChainedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link AuditWriter}. Immutable; built and validated by {@link Builder}.
 *
 * @param nodeId this node's id, unique among the gateway processes sharing the database
 * @param spoolDirectory directory of the local spool (created {@code 0700} if missing)
 * @param queueCapacity events held in memory at most; {@code record} refuses beyond it
 * @param admissionLimit queue depth from which {@code admitting()} turns false
 * @param batchSize events per insert or spool append at most
 * @param batchLinger how long the writer waits for a batch to fill before storing a partial one
 *     ({@link Duration#ZERO}: store whatever is queued at once); a flush or close does not wait
 * @param insertParallelism slices a batch is split into, inserted concurrently on that many pool
 *     connections (the pool should allow at least this many besides the gateway's own use)
 * @param spoolMaxBytes cap on the spool file
 * @param insertTimeout how long an insert may take before its batch is spooled instead
 * @param retryInterval how often the database is probed while spooling
 * @param checkpointInterval minimum time between signed checkpoints
 * @param closeTimeout how long {@code close()} waits for the queue to drain
 */
public record AuditWriterOptions(
    String nodeId,
    Path spoolDirectory,
    int queueCapacity,
    int admissionLimit,
    int batchSize,
    Duration batchLinger,
    int insertParallelism,
    long spoolMaxBytes,
    Duration insertTimeout,
    Duration retryInterval,
    Duration checkpointInterval,
    Duration closeTimeout) {

  /** Default {@link #queueCapacity()}: 65,536 events (tens of MiB at most). */
  public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
  /** Default {@link #admissionLimit()}: three quarters of the default capacity. */
  public static final int DEFAULT_ADMISSION_LIMIT = 49_152;
  /** Default {@link #batchSize()}: 4,000 events (see the benchmark in the README). */
  public static final int DEFAULT_BATCH_SIZE = 4_000;
  /**
   * Default {@link #batchLinger()}: 20 ms. Below a few thousand events per second, batches then
   * hold tens to hundreds of events instead of a handful, which cuts the database's per-event cost
   * (one statement and one commit per batch) and the writer's wake-ups; events reach the database
   * at most this much later.
   */
  public static final Duration DEFAULT_BATCH_LINGER = Duration.ofMillis(20);
  /** Default {@link #insertParallelism()}: 2 concurrent slices per batch. */
  public static final int DEFAULT_INSERT_PARALLELISM = 2;
  /** Default {@link #spoolMaxBytes()}: 1 GiB (roughly 1.5 million events). */
  public static final long DEFAULT_SPOOL_MAX_BYTES = 1L << 30;
  /** Default {@link #insertTimeout()}: 5 seconds. */
  public static final Duration DEFAULT_INSERT_TIMEOUT = Duration.ofSeconds(5);
  /** Default {@link #retryInterval()}: 1 second. */
  public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);
  /** Default {@link #checkpointInterval()}: 10 seconds. */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
  /** Default {@link #closeTimeout()}: 30 seconds. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Validates the settings; see {@link Builder#build()}. */
  public AuditWriterOptions {
    ChainedEvent.requireNodeId(nodeId);
    Objects.requireNonNull(spoolDirectory, "spoolDirectory");
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be positive");
    }
    if (admissionLimit < 1 || admissionLimit > queueCapacity) {
      throw new IllegalArgumentException("admissionLimit must be between 1 and queueCapacity");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive");
    }
    if (batchLinger == null || batchLinger.isNegative()) {
      throw new IllegalArgumentException("batchLinger must not be negative");
    }
    if (insertParallelism < 1) {
      throw new IllegalArgumentException("insertParallelism must be positive");
    }
    if (spoolMaxBytes < 1) {
      throw new IllegalArgumentException("spoolMaxBytes must be positive");
    }
    requirePositive("insertTimeout", insertTimeout);
    requirePositive("retryInterval", retryInterval);
    requirePositive("checkpointInterval", checkpointInterval);
    requirePositive("closeTimeout", closeTimeout);
  }

  /** Starts from the defaults for node {@code nodeId} spooling under {@code spoolDirectory}. */
  public static Builder builder(String nodeId, Path spoolDirectory) {
    return new Builder(nodeId, spoolDirectory);
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /** Builder; every setting starts at its {@code DEFAULT_*} value. */
  public static final class Builder {
    private final String nodeId;
    private final Path spoolDirectory;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int admissionLimit = DEFAULT_ADMISSION_LIMIT;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration batchLinger = DEFAULT_BATCH_LINGER;
    private int insertParallelism = DEFAULT_INSERT_PARALLELISM;
    private long spoolMaxBytes = DEFAULT_SPOOL_MAX_BYTES;
    private Duration insertTimeout = DEFAULT_INSERT_TIMEOUT;
    private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
    private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

    private Builder(String nodeId, Path spoolDirectory) {
      this.nodeId = nodeId;
      this.spoolDirectory = spoolDirectory;
    }

    /** Sets the queue capacity and the admission limit together. */
    public Builder queue(int capacity, int admissionLimit) {
      this.queueCapacity = capacity;
      this.admissionLimit = admissionLimit;
      return this;
    }

    /** Sets {@link AuditWriterOptions#batchSize()}. */
    public Builder batchSize(int value) {
      this.batchSize = value;
      return this;
    }

    /** Sets {@link AuditWriterOptions#batchLinger()}. */
    public Builder batchLinger(Duration value) {
      this.batchLinger = value;
      return this;
    }

    /** Sets {@link AuditWriterOptions#insertParallelism()}. */
    public Builder insertParallelism(int value) {
      this.insertParallelism = value;
      return this;
    }

    /** Sets {@link AuditWriterOptions#spoolMaxBytes()}. */
    public Builder spoolMaxBytes(long value) {
      this.spoolMaxBytes = value;
      return this;
    }

    /** Sets {@link AuditWriterOptions#insertTimeout()}. */
    public Builder insertTimeout(Duration value) {
      this.insertTimeout = value;
      return this;
    }

    /** Sets {@link AuditWriterOptions#retryInterval()}. */
    public Builder retryInterval(Duration value) {
      this.retryInterval = value;
      return this;
    }

    /** Sets {@link AuditWriterOptions#checkpointInterval()}. */
    public Builder checkpointInterval(Duration value) {
      this.checkpointInterval = value;
      return this;
    }

    /** Sets {@link AuditWriterOptions#closeTimeout()}. */
    public Builder closeTimeout(Duration value) {
      this.closeTimeout = value;
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalArgumentException if a setting is out of range
     */
    public AuditWriterOptions build() {
      return new AuditWriterOptions(nodeId, spoolDirectory, queueCapacity, admissionLimit, batchSize,
          batchLinger, insertParallelism, spoolMaxBytes, insertTimeout, retryInterval, checkpointInterval, closeTimeout);
    }
  }
}
