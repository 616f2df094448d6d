package dev.iothub.operator.registry;

import dev.iothub.operator.broker.DeviceIds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The bulk import format: CSV lines {@code deviceId,primaryKey[,enabled]}; blank lines and lines
 * starting with {@code #} are skipped. The whole file is checked before anything is written, so a
 * bad line imports nothing.
 *
 * <p>A file comes from Secrets of a user's namespace, so it is untrusted: it is inflated and parsed
 * as a stream under hard {@link Limits}, never held whole, and a file over a limit is refused as
 * soon as the limit is crossed (a few hundred KB of gzip can inflate to gigabytes). A problem names
 * the line and what is wrong, never the line's content: a key in the wrong column must not reach a
 * status, an Event or a log.
 */
public final class DeviceImportFile {
  /** One device to import; the key is hashed before it reaches the registry. */
  public record Entry(String id, String key, boolean enabled) {}

  /** The entries, or the problems (at most a few, with line numbers) that refuse the file. */
  public record Parsed(List<Entry> entries, List<String> problems) {}

  /**
   * Hard limits of one import.
   *
   * @param maxSecretBytes uncompressed bytes of one Secret's file
   * @param maxSecretLines lines of one Secret's file, blank lines and comments included
   * @param maxRecords device records of the whole import, across its Secrets
   * @param maxBytes uncompressed bytes of the whole import, across its Secrets
   */
  public record Limits(long maxSecretBytes, long maxSecretLines, long maxRecords, long maxBytes) {
    public static final long DEFAULT_MAX_SECRET_BYTES = 16L * 1024 * 1024;
    public static final long DEFAULT_MAX_SECRET_LINES = 200_000;
    public static final long DEFAULT_MAX_RECORDS = 250_000;
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    public Limits {
      if (maxSecretBytes < 1 || maxSecretLines < 1 || maxRecords < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("device import limits must be at least 1: " + this);
      }
    }

    public static Limits defaults() {
      return new Limits(
          DEFAULT_MAX_SECRET_BYTES,
          DEFAULT_MAX_SECRET_LINES,
          DEFAULT_MAX_RECORDS,
          DEFAULT_MAX_BYTES);
    }
  }

  /** Why a whole Secret, and so the whole import, is refused; the message says what to do. */
  public static final class Refused extends Exception {
    /** What is wrong with the Secret. */
    public enum Kind {
      /** Over one of the {@link Limits}. */
      TOO_LARGE,
      /** Its records key holds no (complete) gzip data. */
      NOT_GZIP
    }

    private final Kind kind;

    Refused(Kind kind, String message) {
      super(message, null, false, false);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  static final int MAX_PROBLEMS = 5;

  /** Longest line kept; an id (128) and a key fit many times over, anything longer is refused. */
  public static final int MAX_LINE_BYTES = 1024;

  private static final String SPLIT =
      " Split the devices into several Secrets (or DeviceImports) within the limits, or raise the"
          + " limit in the operator's configuration, and create a new DeviceImport.";

  private DeviceImportFile() {}

  /** Parses CSV text as it is (the CLI's local file): line numbers run on across the chunks. */
  public static Parsed parse(List<String> chunks) {
    Reader reader =
        new Reader(new Limits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
    for (String chunk : chunks) {
      try {
        reader.readPlain("file", chunk.getBytes(StandardCharsets.UTF_8));
      } catch (Refused e) {
        throw new IllegalStateException(e.getMessage());
      }
    }
    return reader.parsed();
  }

  /**
   * Reads the Secrets of one import, one after the other, under {@link Limits}. Line numbers run on
   * across the Secrets, as in the file the CLI split into them.
   */
  public static final class Reader {
    private final Limits limits;
    private final List<Entry> entries = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    // Device id -> the line it was first seen on, to name both lines of a duplicate.
    private final Map<String, Long> seen = new HashMap<>();
    private long lineNumber;
    private long problemCount;
    private long records;
    private long totalBytes;

    public Reader(Limits limits) {
      this.limits = limits;
    }

    /** Inflates and parses the gzip data of Secret {@code secret}. */
    public void read(String secret, byte[] gzip) throws Refused {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 64 * 1024)) {
        readLines(secret, in);
      } catch (IOException e) {
        // Not gzip, or cut short; the exception's text says nothing a person can act on.
        throw new Refused(
            Refused.Kind.NOT_GZIP,
            "Secret "
                + secret
                + ": key devices.csv.gz does not hold complete gzip data. Nothing was imported;"
                + " compress the CSV file with gzip (or use iothubctl devices import) and create a"
                + " new DeviceImport.");
      }
    }

    void readPlain(String secret, byte[] text) throws Refused {
      try {
        readLines(secret, new ByteArrayInputStream(text));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public Parsed parsed() {
      List<String> all = new ArrayList<>(problems);
      if (problemCount > MAX_PROBLEMS) {
        all.add("and " + (problemCount - MAX_PROBLEMS) + " more");
      }
      return new Parsed(entries, all);
    }

    private void readLines(String secret, InputStream in) throws IOException, Refused {
      byte[] buffer = new byte[64 * 1024];
      byte[] line = new byte[MAX_LINE_BYTES];
      int length = 0;
      boolean tooLong = false;
      boolean open = false;
      long secretBytes = 0;
      long secretLines = 0;
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        secretBytes += n;
        totalBytes += n;
        if (secretBytes > limits.maxSecretBytes()) {
          throw tooLarge(
              "Secret "
                  + secret
                  + " inflates to more than "
                  + limits.maxSecretBytes()
                  + " bytes (iothub.device-import.max-secret-bytes)");
        }
        if (totalBytes > limits.maxBytes()) {
          throw tooLarge(
              "the import's Secrets inflate to more than "
                  + limits.maxBytes()
                  + " bytes (iothub.device-import.max-bytes), reached in Secret "
                  + secret);
        }
        for (int i = 0; i < n; i++) {
          byte b = buffer[i];
          if (b != '\n') {
            open = true;
            if (length < MAX_LINE_BYTES) {
              line[length++] = b;
            } else {
              tooLong = true;
            }
            continue;
          }
          secretLines = countLine(secret, secretLines);
          line(line, length, tooLong);
          length = 0;
          tooLong = false;
          open = false;
        }
      }
      if (open) {
        countLine(secret, secretLines);
        line(line, length, tooLong);
      }
    }

    private long countLine(String secret, long secretLines) throws Refused {
      lineNumber++;
      if (secretLines + 1 > limits.maxSecretLines()) {
        throw tooLarge(
            "Secret "
                + secret
                + " has more than "
                + limits.maxSecretLines()
                + " lines (iothub.device-import.max-secret-lines)");
      }
      return secretLines + 1;
    }

    private void line(byte[] bytes, int length, boolean tooLong) throws Refused {
      String trimmed = new String(bytes, 0, length, StandardCharsets.UTF_8).strip();
      if (!tooLong && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        return;
      }
      if (++records > limits.maxRecords()) {
        throw tooLarge(
            "the import has more than "
                + limits.maxRecords()
                + " records (iothub.device-import.max-records)");
      }
      String problem = tooLong ? "the line is longer than " + MAX_LINE_BYTES + " bytes" : null;
      String[] fields = trimmed.split(",", -1);
      if (problem == null) {
        problem = problem(fields);
      }
      if (problem == null) {
        Long first = seen.putIfAbsent(fields[0].strip(), lineNumber);
        if (first != null) {
          problem = "the device id appears twice (first on line " + first + ")";
        }
      }
      if (problem != null) {
        if (problemCount++ < MAX_PROBLEMS) {
          problems.add("line " + lineNumber + ": " + problem);
        }
        return;
      }
      entries.add(
          new Entry(
              fields[0].strip(),
              fields[1].strip(),
              fields.length < 3 || Boolean.parseBoolean(fields[2].strip())));
    }

    private Refused tooLarge(String what) {
      return new Refused(Refused.Kind.TOO_LARGE, "Nothing was imported: " + what + "." + SPLIT);
    }
  }

  /** What is wrong with a line's fields, without quoting them (a field may be a key). */
  private static String problem(String[] fields) {
    if (fields.length < 2 || fields.length > 3) {
      return "expected deviceId,primaryKey[,enabled] but found "
          + fields.length
          + (fields.length == 1 ? " field" : " fields");
    }
    String refused = DeviceIds.problem(fields[0].strip());
    if (refused != null) {
      return "the device id " + refused + "; is the key in the first column?";
    }
    if (fields[1].isBlank()) {
      return "the key is empty";
    }
    if (fields.length == 3 && !fields[2].strip().matches("true|false")) {
      return "enabled must be true or false";
    }
    return null;
  }

  /** Compresses CSV text for a Secret's {@code devices.csv.gz} key. */
  public static byte[] compress(String csv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(csv.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
