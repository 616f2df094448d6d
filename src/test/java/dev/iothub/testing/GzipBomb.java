package dev.iothub.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Small gzip data that inflates to far more than an operator's heap, built in the test. */
public final class GzipBomb {
  /** Bytes one member inflates to. */
  public static final long MEMBER_BYTES = 64L * 1024 * 1024;

  private GzipBomb() {}

  /**
   * {@code members} copies of one gzip member of 64 MiB of zeros (about 64 KB each): gzip readers
   * inflate concatenated members one after the other, so 10 copies are ~640 KB of gzip (a Secret
   * holds up to 1 MiB) that inflate to 640 MiB, more than the chart's 512 MiB heap.
   */
  public static byte[] of(int members) {
    ByteArrayOutputStream one = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(one, 1 << 16)) {
      byte[] zeros = new byte[1 << 20];
      for (long written = 0; written < MEMBER_BYTES; written += zeros.length) {
        gz.write(zeros);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < members; i++) {
      all.writeBytes(one.toByteArray());
    }
    return all.toByteArray();
  }
}
