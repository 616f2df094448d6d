package dev.iothub.operator.registry;

import java.time.Instant;

/**
 * What a region's registry holds, read from shard annotations.
 *
 * @param oldestSync when the least recently written shard was written, or null with no shards
 */
public record RegistrySummary(
    long devices, String checksum, int shardsPresent, Instant oldestSync) {}
