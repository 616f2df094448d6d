package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportReason;
import dev.iothub.api.v1alpha1.DeviceImportSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.registry.DeviceImportFile;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.HubRegistry;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Runs one DeviceImport: reads and checks every record first (a bad line imports nothing), then
 * hashes the keys and writes the hub's registry in chunks, each all or none, in file order. When a
 * shard is full the import waits for the registry to grow and goes on after the records written
 * (status.devicesImported); it succeeds only once every record is written. Says in the status
 * builder how it ended or why it waits, and returns when to look again (null: it ended).
 */
final class DeviceImportJob {
  private static final String THEN = "the import runs";
  private static final Duration WAITING_FOR_IMPORT = Duration.ofSeconds(2);

  private final OperatorSettings settings;
  private final Clock clock;
  private final KubernetesClient client;
  private final Semaphore running;
  private final HashedImportRecords kept;

  /**
   * @param running held while the import reads and writes its records: one import at a time
   * @param kept the records an import left to write when it waited, for its next pass
   */
  DeviceImportJob(
      OperatorSettings settings,
      Clock clock,
      KubernetesClient client,
      Semaphore running,
      HashedImportRecords kept) {
    this.settings = settings;
    this.clock = clock;
    this.client = client;
    this.running = running;
    this.kept = kept;
  }

  Duration run(DeviceImport job, Optional<IoTHub> hub, DeviceImportStatusBuilder status) {
    Optional<HubRegistry> registry =
        hub.flatMap(h -> HubRegistry.of(h, settings.regions(), settings.shardLimits()));
    if (registry.isEmpty()) {
      status.pending(DeviceImportReason.HubNotReady, hubNotReady(job));
      return settings.retryMaxDelay();
    }
    if (registry.get().frozen()) {
      status.pending(DeviceImportReason.RegistryFrozen, registry.get().frozenMessage(THEN));
      return HubRegistry.FROZEN_RETRY;
    }
    if (!running.tryAcquire()) {
      status.pending(
          DeviceImportReason.WaitingForImport,
          "Another device import runs in the operator; imports run one at a time, so that the"
              + " records they hold stay within its memory. This one starts when it ends.");
      return WAITING_FOR_IMPORT;
    }
    try {
      return readAndWrite(job, registry.get(), status);
    } finally {
      running.release();
    }
  }

  private Duration readAndWrite(
      DeviceImport job, HubRegistry registry, DeviceImportStatusBuilder status) {
    // One Secret at a time, streamed under the limits: an oversized file is refused, never held.
    DeviceImportFile.Reader reader = new DeviceImportFile.Reader(settings.importLimits());
    StringBuilder source =
        new StringBuilder(job.getMetadata().getUid())
            .append('/')
            .append(job.getMetadata().getGeneration());
    for (String name : job.getSpec().getSecretNames()) {
      Secret secret =
          client.secrets().inNamespace(job.getMetadata().getNamespace()).withName(name).get();
      byte[] gzip = records(secret);
      if (gzip == null) {
        status.failed(DeviceImportReason.SecretNotFound, noSecret(job, name));
        return null;
      }
      source.append('/').append(secret.getMetadata().getResourceVersion());
      try {
        reader.read(name, gzip);
      } catch (DeviceImportFile.Refused refused) {
        status.failed(reason(refused), refused.getMessage());
        return null;
      }
    }
    return write(reader.parsed(), source.toString(), registry, status, written(job));
  }

  /** Records an earlier pass of this import wrote, in file order, before it waited. */
  private static int written(DeviceImport job) {
    return job.getStatus() == null || job.getStatus().getDevicesImported() == null
        ? 0
        : job.getStatus().getDevicesImported().intValue();
  }

  private static DeviceImportReason reason(DeviceImportFile.Refused refused) {
    return refused.kind() == DeviceImportFile.Refused.Kind.TOO_LARGE
        ? DeviceImportReason.ImportTooLarge
        : DeviceImportReason.InvalidRecords;
  }

  private Duration write(
      DeviceImportFile.Parsed parsed,
      String source,
      HubRegistry registry,
      DeviceImportStatusBuilder status,
      int alreadyWritten) {
    if (!parsed.problems().isEmpty()) {
      String problems = String.join("; ", parsed.problems());
      status.failed(
          DeviceImportReason.InvalidRecords,
          "Nothing was imported: " + problems + ". Fix the file and create a new DeviceImport.");
      return null;
    }
    List<DeviceImportFile.Entry> entries = parsed.entries();
    int done = Math.min(alreadyWritten, entries.size());
    // Hashed once: a chunk halved below, or a pass after a wait, writes the same records.
    List<DeviceRecord> records = kept.take(source, done);
    if (records == null) {
      records = hashed(entries.subList(done, entries.size()));
    }
    int offset = done;
    // All that is left at once (one read and one write per shard); a chunk more than a shard
    // below the threshold can take is halved, so shards fill past it and the registry grows.
    int chunk = entries.size() - done;
    while (done < entries.size()) {
      List<DeviceRecord> next =
          records.subList(done - offset, Math.min(entries.size(), done + chunk) - offset);
      HubRegistry.Write write = registry.write(client, next, clock.instant());
      switch (write.outcome()) {
        case WRITTEN:
          done += next.size();
          status.progress(done);
          break;
        case TOO_LARGE:
          if (chunk == 1) {
            return full(status, write, done, entries.size());
          }
          chunk = Math.max(1, chunk / 2);
          break;
        case FROZEN:
          kept.keep(source, done, records.subList(done - offset, records.size()));
          status.pending(DeviceImportReason.RegistryFrozen, registry.frozenMessage(THEN));
          return registry.retryAfter(write.outcome());
        case GROWING:
          kept.keep(source, done, records.subList(done - offset, records.size()));
          status.pending(
              DeviceImportReason.RegistryGrowing,
              done
                  + " of "
                  + entries.size()
                  + " devices are written. "
                  + registry.growingMessage(write.detail(), "the rest are written"));
          return registry.retryAfter(write.outcome());
        default:
          return full(status, write, done, entries.size());
      }
    }
    status.succeeded(imported(entries.size(), registry), entries.size());
    return null;
  }

  /** The registry has its most shards: the import ends, saying what is in and what is not. */
  private static Duration full(
      DeviceImportStatusBuilder status, HubRegistry.Write write, int done, int total) {
    status.failed(
        DeviceImportReason.RegistryFull,
        done
            + " of "
            + total
            + " devices (the first in file order) were imported, the rest were not: "
            + write.detail()
            + ". The registry has its most shards ("
            + dev.iothub.operator.registry.ShardLimits.MAX_SHARDS
            + "); import the rest into another hub.",
        done);
    return null;
  }

  private List<DeviceRecord> hashed(List<DeviceImportFile.Entry> entries) {
    String now = Timestamps.format(clock.instant());
    return entries.parallelStream()
        .map(e -> new DeviceRecord(e.id(), e.enabled(), PasswordHashes.hash(e.key()), now))
        .toList();
  }

  /** The gzip data of one Secret, or null when it or its records key is missing. */
  private static byte[] records(Secret s) {
    if (s == null || s.getData() == null || s.getData().get(DeviceImportSpec.RECORDS_KEY) == null) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(s.getData().get(DeviceImportSpec.RECORDS_KEY));
    } catch (IllegalArgumentException e) {
      // The API server only stores base64; an empty array reads as "not gzip", the same advice.
      return new byte[0];
    }
  }

  private static String hubNotReady(DeviceImport job) {
    return "IoTHub "
        + job.getSpec().getHubName()
        + " does not exist or is not provisioned yet; the import starts when it is.";
  }

  private static String noSecret(DeviceImport job, String name) {
    return "Secret "
        + name
        + " in namespace "
        + job.getMetadata().getNamespace()
        + " does not exist or has no key "
        + DeviceImportSpec.RECORDS_KEY
        + ". Nothing was imported; create a new DeviceImport once it exists.";
  }

  private static String imported(int count, HubRegistry registry) {
    return count
        + " devices imported into "
        + registry.hubName()
        + " ("
        + registry.region().displayName()
        + ").";
  }
}
