package dev.iothub.operator.registry;

import dev.iothub.operator.broker.PasswordFile;

/**
 * How large one registry shard may grow: its compressed records, and the password fragment the
 * broker renders from it, each stay under a byte limit (the API server refuses a Secret over 1
 * MiB). Production uses {@link #DEFAULTS}; tests shrink both to prove the growth rule at a small
 * size.
 *
 * @param recordBytes most bytes of a shard's compressed records
 * @param fragmentBytes most bytes of the shard's password lines
 */
public record ShardLimits(int recordBytes, int fragmentBytes) {
  public static final ShardLimits DEFAULTS =
      new ShardLimits(RegistryShard.MAX_BYTES, PasswordFile.MAX_FRAGMENT_BYTES);

  /**
   * Most shards a region's registry grows to. 4,096 keeps 5,000,000 devices with 128-character ids
   * at about a third of the limits (see ShardSizingTest), leaves room to about 14 million before a
   * shard is truly full, and keeps the broker's projected volume (one source per shard) far below
   * the object limit.
   */
  public static final int MAX_SHARDS = 4096;

  /** A shard this full (percent of the tighter limit) makes the region double its shards. */
  public static final int GROW_AT_PERCENT = 50;

  public ShardLimits {
    if (recordBytes < 1024 || fragmentBytes < 1024) {
      throw new IllegalArgumentException("a shard limit must be at least 1024 bytes");
    }
    if (recordBytes > RegistryShard.MAX_BYTES || fragmentBytes > PasswordFile.MAX_FRAGMENT_BYTES) {
      throw new IllegalArgumentException(
          "a shard limit must not exceed " + RegistryShard.MAX_BYTES + " bytes");
    }
  }

  /** Both limits at {@code bytes}; the one value the operator's configuration may lower. */
  public static ShardLimits of(int bytes) {
    return new ShardLimits(bytes, bytes);
  }

  /** Percent of the tighter limit a shard of these sizes takes, rounded up. */
  public int fill(long compressedRecordBytes, long fragmentLineBytes) {
    long records = (compressedRecordBytes * 100 + recordBytes - 1) / recordBytes;
    long lines = (fragmentLineBytes * 100 + fragmentBytes - 1) / fragmentBytes;
    return (int) Math.max(records, lines);
  }
}
