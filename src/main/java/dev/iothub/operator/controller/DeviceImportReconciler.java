package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportSpec;
import dev.iothub.api.v1alpha1.DeviceImportStatus;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.registry.DeviceImportFile;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryFrozenException;
import dev.iothub.operator.registry.RegistryFullException;
import dev.iothub.operator.registry.RegistryShard;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.EventRecorder;
import dev.iothub.operator.status.StatusDiff;
import dev.iothub.operator.status.StatusWriter;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Runs a DeviceImport: reads and checks every record first (a bad line imports nothing), hashes the
 * keys, then writes the hub's registry shard by shard. Like a Device, it waits while the hub's
 * registry is frozen by a failover.
 */
@jakarta.inject.Singleton
@ControllerConfiguration(name = DeviceImportReconciler.NAME)
public class DeviceImportReconciler implements Reconciler<DeviceImport> {
  public static final String NAME = "deviceimport";
  static final Duration WAIT = Duration.ofSeconds(10);

  private final OperatorSettings settings;
  private final Clock clock;

  public DeviceImportReconciler(OperatorSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public UpdateControl<DeviceImport> reconcile(DeviceImport cached, Context<DeviceImport> context) {
    KubernetesClient client = context.getClient();
    DeviceImport job = client.resource(cached).get();
    if (job == null
        || (job.getStatus() != null
            && ("Succeeded".equals(job.getStatus().getPhase())
                || "Failed".equals(job.getStatus().getPhase())))) {
      return UpdateControl.noUpdate();
    }
    DeviceImportStatus status = StatusDiff.copy(job.getStatus(), DeviceImportStatus.class);
    status = status == null ? new DeviceImportStatus() : status;
    status.setObservedGeneration(job.getMetadata().getGeneration());
    Duration retry = run(client, job, status);
    String before =
        job.getStatus() == null ? null : job.getStatus().getPhase() + job.getStatus().getReason();
    DeviceImport written = new StatusWriter(client).write(job, status);
    if (!(status.getPhase() + status.getReason()).equals(before)) {
      boolean fine = !"Failed".equals(status.getPhase());
      new EventRecorder(client, clock)
          .record(
              written,
              fine ? EventRecorder.NORMAL : EventRecorder.WARNING,
              status.getReason() == null ? status.getPhase() : status.getReason(),
              status.getMessage());
    }
    return retry == null
        ? UpdateControl.noUpdate()
        : UpdateControl.<DeviceImport>noUpdate().rescheduleAfter(retry.toMillis());
  }

  private Duration run(KubernetesClient client, DeviceImport job, DeviceImportStatus status) {
    String ns = job.getMetadata().getNamespace();
    IoTHub hub =
        client.resources(IoTHub.class).inNamespace(ns).withName(job.getSpec().getHubName()).get();
    HubLocations.Resolution resolution =
        hub == null ? null : HubLocations.resolve(hub, settings.regions());
    if (hub == null
        || resolution.locations() == null
        || hub.getStatus() == null
        || hub.getStatus().getCurrentLocation() == null) {
      return pending(
          status,
          "HubNotReady",
          "IoTHub "
              + job.getSpec().getHubName()
              + " does not exist or is not provisioned yet; the import starts when it is.",
          settings.retryMaxDelay());
    }
    if (hub.getStatus().getOperation() != null) {
      return pending(
          status,
          "RegistryFrozen",
          "An operation of "
              + hub.getMetadata().getName()
              + " is running; the import starts when it completes.",
          WAIT);
    }
    List<String> chunks = new ArrayList<>();
    for (String name : job.getSpec().getSecretNames()) {
      Secret s = client.secrets().inNamespace(ns).withName(name).get();
      if (s == null
          || s.getData() == null
          || s.getData().get(DeviceImportSpec.RECORDS_KEY) == null) {
        return finish(
            status,
            "Failed",
            "SecretNotFound",
            "Secret "
                + name
                + " in namespace "
                + ns
                + " does not exist or has no key "
                + DeviceImportSpec.RECORDS_KEY
                + ". Nothing was imported; create a new DeviceImport once it exists.",
            0);
      }
      chunks.add(
          new String(
              RegistryShard.decompress(
                  Base64.getDecoder().decode(s.getData().get(DeviceImportSpec.RECORDS_KEY))),
              StandardCharsets.UTF_8));
    }
    DeviceImportFile.Parsed parsed = DeviceImportFile.parse(chunks);
    if (!parsed.problems().isEmpty()) {
      return finish(
          status,
          "Failed",
          "InvalidRecords",
          "Nothing was imported: "
              + String.join("; ", parsed.problems())
              + ". Fix the file and create a new DeviceImport.",
          0);
    }
    String now = Timestamps.format(clock.instant());
    List<DeviceRecord> records =
        parsed.entries().parallelStream()
            .map(e -> new DeviceRecord(e.id(), e.enabled(), PasswordHashes.hash(e.key()), now))
            .toList();
    try {
      new RegistryStore(client)
          .write(hub, resolution.locations().current(), records, clock.instant());
    } catch (RegistryFullException e) {
      return finish(
          status,
          "Failed",
          "RegistryFull",
          "Nothing was imported: "
              + e.getMessage()
              + ". Import the devices into a hub created with more registry shards.",
          0);
    } catch (RegistryFrozenException e) {
      return pending(
          status,
          "RegistryFrozen",
          "An operation of "
              + hub.getMetadata().getName()
              + " started; the import runs again when it completes.",
          WAIT);
    }
    return finish(
        status,
        "Succeeded",
        null,
        records.size()
            + " devices imported into "
            + hub.getMetadata().getName()
            + " ("
            + resolution.locations().current().displayName()
            + ").",
        records.size());
  }

  private static Duration pending(
      DeviceImportStatus status, String reason, String message, Duration retry) {
    status.setPhase("Pending");
    status.setReason(reason);
    status.setMessage(message);
    return retry;
  }

  private Duration finish(
      DeviceImportStatus status, String phase, String reason, String message, long imported) {
    status.setPhase(phase);
    status.setReason(reason);
    status.setMessage(message);
    status.setDevicesImported(imported);
    status.setCompletionTime(Timestamps.format(clock.instant()));
    return null;
  }
}
