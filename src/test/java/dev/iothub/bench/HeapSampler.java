package dev.iothub.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples another JVM's heap with {@code jstat -gc} every 250 ms: the peak of heap in use (young
 * and old generation, garbage included, so bounded by -Xmx) and of the old generation, since the
 * last {@link #reset}.
 */
final class HeapSampler implements AutoCloseable {
  private final AtomicLong peakKb = new AtomicLong();
  private final AtomicLong oldPeakKb = new AtomicLong();
  private Process jstat;

  HeapSampler(long pid) {
    follow(pid);
  }

  /** Samples this process from now on (an operator restarted under a new pid). */
  synchronized void follow(long pid) {
    close();
    try {
      jstat =
          new ProcessBuilder("jstat", "-gc", Long.toString(pid), "250")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("jstat could not start", e);
    }
    Process p = jstat;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String[] header = null;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  String[] cells = line.trim().split("\\s+");
                  if (cells.length > 0 && cells[0].equals("S0C")) {
                    header = cells;
                    continue;
                  }
                  if (header == null || cells.length != header.length) {
                    continue;
                  }
                  double used = 0;
                  double old = 0;
                  for (int i = 0; i < header.length; i++) {
                    switch (header[i]) {
                      case "S0U", "S1U", "EU" -> used += Double.parseDouble(cells[i]);
                      case "OU" -> {
                        old = Double.parseDouble(cells[i]);
                        used += old;
                      }
                      default -> {}
                    }
                  }
                  long u = (long) used;
                  long o = (long) old;
                  peakKb.accumulateAndGet(u, Math::max);
                  oldPeakKb.accumulateAndGet(o, Math::max);
                }
              } catch (IOException | NumberFormatException e) {
                // The sampled process ended; the peaks so far stand.
              }
            },
            "heap-sampler");
    reader.setDaemon(true);
    reader.start();
  }

  void reset() {
    peakKb.set(0);
    oldPeakKb.set(0);
  }

  long peakMiB() {
    return peakKb.get() / 1024;
  }

  long oldPeakMiB() {
    return oldPeakKb.get() / 1024;
  }

  @Override
  public synchronized void close() {
    if (jstat != null) {
      jstat.destroy();
      jstat = null;
    }
  }
}
