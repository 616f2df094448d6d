package dev.iothub.operator.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iothub.operator.objects.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The encoding of one registry shard: its records as JSON lines sorted by id (so equal contents
 * give equal bytes and an equal checksum), gzip-compressed. A shard of 4,000 records is about 0.5
 * MB of JSON and well under half of that compressed, far below the 1 MiB object limit.
 */
public final class RegistryShard {
  /** Refuse to write a shard larger than this (compressed), leaving room for metadata. */
  public static final int MAX_BYTES = 900 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryShard() {}

  /** The shard a device id belongs to: stable across processes and versions. */
  public static int indexOf(String deviceId, int shards) {
    CRC32 crc = new CRC32();
    crc.update(deviceId.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % shards);
  }

  /** The canonical, uncompressed form of a shard: one JSON record per line, sorted by id. */
  public static byte[] canonical(Collection<DeviceRecord> records) {
    List<DeviceRecord> sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparing(DeviceRecord::id));
    StringBuilder text = new StringBuilder(sorted.size() * 160);
    try {
      for (DeviceRecord r : sorted) {
        text.append(JSON.writeValueAsString(r)).append('\n');
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static String checksum(byte[] canonical) {
    return Sha256.hex(canonical);
  }

  public static byte[] compress(byte[] canonical) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(canonical.length / 2 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(canonical);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] decompress(byte[] compressed) {
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
      return gz.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<DeviceRecord> parse(byte[] canonical) {
    List<DeviceRecord> records = new ArrayList<>();
    String text = new String(canonical, StandardCharsets.UTF_8);
    try {
      for (String line : text.split("\n")) {
        if (!line.isEmpty()) {
          records.add(JSON.readValue(line, DeviceRecord.class));
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a registry shard is corrupt: " + e.getOriginalMessage(), e);
    }
    return records;
  }
}
