package dev.iothub.operator.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.operator.broker.DeviceIds;
import dev.iothub.operator.broker.PasswordFile;
import dev.iothub.operator.broker.PasswordHashes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The sizing rule at full scale, by arithmetic on real encodings: 5,000,000 devices with the
 * longest ids the broker takes (128 characters, random so they hardly compress) spread over {@link
 * ShardLimits#MAX_SHARDS} shards, and the fullest of those shards, built with real hashes, stays
 * under both byte limits (and so under the API server's 1 MiB) and below the growth threshold: the
 * registry stops growing at or before the most shards.
 */
class ShardSizingTest {
  private static final int DEVICES = 5_000_000;
  private static final char[] ALPHABET =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._".toCharArray();

  @Test
  void fiveMillionDevicesWithLongestIdsFitTheMostShardsBelowTheThreshold() {
    int[] perShard = new int[ShardLimits.MAX_SHARDS];
    byte[] id = new byte[DeviceIds.MAX_LENGTH];
    Random random = new Random(13);
    for (int i = 0; i < id.length; i++) {
      id[i] = (byte) ALPHABET[random.nextInt(ALPHABET.length)];
    }
    CRC32 crc = new CRC32();
    for (int n = 0; n < DEVICES; n++) {
      // A distinct id per device: the counter over the last 8 characters.
      for (int k = 0, v = n; k < 8; k++, v >>>= 4) {
        id[id.length - 1 - k] = (byte) ALPHABET[v & 15];
      }
      crc.reset();
      crc.update(id);
      perShard[(int) (crc.getValue() % ShardLimits.MAX_SHARDS)]++;
    }
    int fullest = 0;
    for (int count : perShard) {
      fullest = Math.max(fullest, count);
    }
    // CRC spreads ids evenly: the fullest shard is near the mean (1,221).
    assertThat(fullest).isBetween(DEVICES / ShardLimits.MAX_SHARDS, 1_400);

    List<DeviceRecord> shard = new ArrayList<>(fullest);
    String hash = PasswordHashes.hash("a-device-key");
    for (int n = 0; n < fullest; n++) {
      StringBuilder b = new StringBuilder(DeviceIds.MAX_LENGTH);
      for (int k = 0; k < DeviceIds.MAX_LENGTH; k++) {
        b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
      }
      // Each hash differs (salt and digest are random bytes): vary it like a real one would.
      StringBuilder own = new StringBuilder(hash);
      for (int k = own.length() - 20; k < own.length() - 4; k++) {
        own.setCharAt(k, ALPHABET[random.nextInt(62)]);
      }
      shard.add(new DeviceRecord(b.toString(), true, own.toString(), "2026-12-03T13:47:12Z"));
    }
    assertThat(PasswordFile.servable(shard.get(0))).isTrue();
    byte[] compressed = RegistryShard.compress(RegistryShard.canonical(shard));
    int lines = PasswordFile.deviceFragment(shard).getBytes(StandardCharsets.UTF_8).length;
    int fill = ShardLimits.DEFAULTS.fill(compressed.length, lines);
    System.out.printf(
        "5M devices, 128-char ids, %d shards: fullest %d devices, %d bytes compressed records,"
            + " %d bytes password lines, fill %d%%%n",
        ShardLimits.MAX_SHARDS, fullest, compressed.length, lines, fill);

    assertThat(compressed.length).isLessThan(RegistryShard.MAX_BYTES);
    assertThat(lines).isLessThan(PasswordFile.MAX_FRAGMENT_BYTES);
    assertThat(fill)
        .as("fullest shard of 5M devices at %d shards", ShardLimits.MAX_SHARDS)
        .isLessThan(ShardLimits.GROW_AT_PERCENT);
    // Both limits leave room for the Secret's metadata under the API server's 1 MiB.
    assertThat(RegistryShard.MAX_BYTES + 100 * 1024).isLessThanOrEqualTo(1024 * 1024);
  }

  @Test
  void fillIsThePercentOfTheTighterLimitRoundedUp() {
    ShardLimits limits = new ShardLimits(4000, 2000);
    assertThat(limits.fill(0, 0)).isZero();
    assertThat(limits.fill(2000, 200)).isEqualTo(50);
    assertThat(limits.fill(200, 1001)).isEqualTo(51);
    assertThat(limits.fill(4000, 2000)).isEqualTo(100);
  }

  @Test
  void aRecordOfShardIOfNIsInShardIOrIPlusNOf2N() {
    Random random = new Random(7);
    for (int n : new int[] {1, 2, 3, 32, 1024}) {
      for (int k = 0; k < 2_000; k++) {
        String id = "dev-" + random.nextLong();
        int i = RegistryShard.indexOf(id, n);
        assertThat(RegistryShard.indexOf(id, 2 * n)).isIn(i, i + n);
      }
    }
  }

  @Test
  void limitsOutsideTheRangeAreRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShardLimits.of(100))
        .hasMessageContaining("at least 1024");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShardLimits.of(2 * 1024 * 1024))
        .hasMessageContaining("must not exceed");
  }
}
