package dev.iothub.operator.registry;

import dev.iothub.operator.broker.DeviceIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The bulk import format: CSV lines {@code deviceId,primaryKey[,enabled]}; blank lines and lines
 * starting with {@code #} are skipped. The whole file is checked before anything is written, so a
 * bad line imports nothing.
 */
public final class DeviceImportFile {
  /** One device to import; the key is hashed before it reaches the registry. */
  public record Entry(String id, String key, boolean enabled) {}

  /** The entries, or the problems (at most a few, with line numbers) that refuse the file. */
  public record Parsed(List<Entry> entries, List<String> problems) {}

  static final int MAX_PROBLEMS = 5;

  private DeviceImportFile() {}

  public static Parsed parse(List<String> chunks) {
    List<Entry> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    int lineNumber = 0;
    int problemCount = 0;
    for (String chunk : chunks) {
      for (String line : chunk.split("\n", -1)) {
        lineNumber++;
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] fields = trimmed.split(",", -1);
        String problem = null;
        if (fields.length < 2 || fields.length > 3) {
          problem = "expected deviceId,primaryKey[,enabled]";
        } else if (DeviceIds.problem(fields[0].strip()) != null) {
          // Never the id itself: a line in the wrong order puts a key where the id should be.
          problem = "the device id " + DeviceIds.problem(fields[0].strip());
        } else if (fields[1].isBlank()) {
          problem = "the key is empty";
        } else if (fields.length == 3 && !fields[2].strip().matches("true|false")) {
          problem = "enabled must be true or false";
        } else if (seen.putIfAbsent(fields[0].strip(), lineNumber) != null) {
          problem = "the device id of line " + seen.get(fields[0].strip()) + " appears again";
        }
        if (problem != null) {
          if (problemCount++ < MAX_PROBLEMS) {
            problems.add("line " + lineNumber + ": " + problem);
          }
          continue;
        }
        entries.add(
            new Entry(
                fields[0].strip(),
                fields[1].strip(),
                fields.length < 3 || Boolean.parseBoolean(fields[2].strip())));
      }
    }
    if (problemCount > MAX_PROBLEMS) {
      problems.add("and " + (problemCount - MAX_PROBLEMS) + " more");
    }
    return new Parsed(entries, problems);
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
