package dev.iothub.cli;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportPhase;
import dev.iothub.api.v1alpha1.DeviceImportSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.registry.DeviceImportFile;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryStore;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iothub devices ...}: the registry of a hub as its current region holds it, and bulk import
 * through a DeviceImport (the operator writes the registry; this command never does).
 */
@Command(
    name = "devices",
    description = "List, show and bulk-import a hub's devices.",
    subcommands = {
      DevicesCommand.ListDevices.class,
      DevicesCommand.Show.class,
      DevicesCommand.Import.class
    })
final class DevicesCommand extends CommandGroup {
  /** Lines per import Secret: about 0.4 MB compressed with 44-character keys, under 1 MiB. */
  static final int LINES_PER_CHUNK = 10_000;

  @Command(
      name = "list",
      description = "List the devices in the hub's registry (its current region).")
  static final class ListDevices extends HubSubcommand {
    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "Show at most N devices (default ${DEFAULT-VALUE}); 0 shows all.")
    int limit;

    @Override
    public Integer call() {
      try (Session s = IoTHubCli.of(spec).open()) {
        IoTHub hub = s.requireHub(hubName);
        List<DeviceRecord> records = new ArrayList<>();
        Registry.shards(s, hub).forEach(shard -> records.addAll(RegistryStore.records(shard)));
        records.sort(Comparator.comparing(DeviceRecord::id));
        TextTable table = new TextTable("DEVICE", "ENABLED", "UPDATED");
        records.stream()
            .limit(limit <= 0 ? Long.MAX_VALUE : limit)
            .forEach(
                r ->
                    table.row(
                        r.id(),
                        String.valueOf(r.enabled()),
                        r.updatedAt() == null ? "-" : r.updatedAt()));
        table.print(s.terminal().out());
        s.terminal()
            .out()
            .printf(
                "%n%,d devices in %s (%s).%n",
                records.size(), hubName, hub.getStatus().getCurrentLocation().getDisplayName());
        if (limit > 0 && records.size() > limit) {
          s.terminal().out().printf("Showing the first %d; --limit 0 shows all.%n", limit);
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(
      name = "show",
      description = "Show one device: registry record and its Device object, if any.")
  static final class Show extends HubSubcommand {
    @Parameters(index = "1", paramLabel = "ID", description = "Device id.")
    String deviceId;

    @Override
    public Integer call() {
      try (Session s = IoTHubCli.of(spec).open()) {
        IoTHub hub = s.requireHub(hubName);
        DeviceRecord record =
            Registry.shards(s, hub).stream()
                .flatMap(shard -> RegistryStore.records(shard).stream())
                .filter(r -> r.id().equals(deviceId))
                .findFirst()
                .orElse(null);
        Optional<Device> object =
            s.client().resources(Device.class).inNamespace(s.namespace()).list().getItems().stream()
                .filter(d -> hubName.equals(d.getSpec().getHubName()))
                .filter(
                    d ->
                        deviceId.equals(
                            d.getSpec().getDeviceId() != null
                                ? d.getSpec().getDeviceId()
                                : d.getMetadata().getName()))
                .findFirst();
        if (record == null && object.isEmpty()) {
          throw new CliException(
              ExitCodes.USAGE,
              "Hub "
                  + hubName
                  + " has no device "
                  + deviceId
                  + ". See: "
                  + s.suggest("devices list " + hubName));
        }
        var out = s.terminal().out();
        out.printf("Device:        %s (hub %s)%n", deviceId, hubName);
        out.printf(
            "Registered:    %s%n",
            record == null
                ? "no"
                : "yes, in " + hub.getStatus().getCurrentLocation().getDisplayName());
        if (record != null) {
          out.printf("Enabled:       %s%n", record.enabled());
          out.printf("Updated:       %s%n", record.updatedAt());
        }
        object.ifPresentOrElse(
            d -> {
              out.printf("Device object: %s%n", d.getMetadata().getName());
              if (d.getStatus() != null) {
                out.printf(
                    "Status:        %s: %s%n",
                    d.getStatus().getReason(), d.getStatus().getMessage());
                out.printf(
                    "Key Secret:    %s (key primaryKey, connectionString)%n",
                    d.getStatus().getKeySecretName());
              }
            },
            () ->
                out.println(
                    "Device object: none (imported in bulk; its key is the one in the import file)"));
        return ExitCodes.OK;
      }
    }
  }

  @Command(
      name = "import",
      description = {
        "Import devices in bulk from a CSV file of lines deviceId,primaryKey[,enabled].",
        "The file is checked first; it travels in Secrets of the hub namespace, and the operator writes the registry in a few calls per shard, not one per device."
      })
  static final class Import extends HubSubcommand {
    @Parameters(
        index = "1",
        paramLabel = "FILE",
        description = "CSV file: deviceId,primaryKey[,enabled] per line; # starts a comment.")
    Path file;

    @Option(names = "--no-wait", description = "Return once the import is created.")
    boolean noWait;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        defaultValue = "PT10M",
        description = "Give up waiting after this long (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      DeviceImportFile.Parsed parsed = DeviceImportFile.parse(List.of(String.join("\n", lines)));
      if (!parsed.problems().isEmpty()) {
        throw new CliException(
            ExitCodes.USAGE,
            file + " was not imported: " + String.join("; ", parsed.problems()) + ".");
      }
      try (Session s = IoTHubCli.of(spec).open()) {
        s.requireHub(hubName);
        String name =
            hubName
                + "-import-"
                + Long.toString(Instant.now().toEpochMilli(), 36).toLowerCase(Locale.ROOT);
        List<String> secrets = new ArrayList<>();
        for (int from = 0; from < lines.size(); from += LINES_PER_CHUNK) {
          String chunk =
              String.join("\n", lines.subList(from, Math.min(lines.size(), from + LINES_PER_CHUNK)))
                  + "\n";
          String secret = name + "-" + secrets.size();
          s.client()
              .resource(
                  new SecretBuilder()
                      .withNewMetadata()
                      .withName(secret)
                      .withNamespace(s.namespace())
                      .addToLabels("iothub.dev/device-import", name)
                      .endMetadata()
                      .withData(
                          Map.of(
                              DeviceImportSpec.RECORDS_KEY,
                              Base64.getEncoder().encodeToString(DeviceImportFile.compress(chunk))))
                      .build())
              .create();
          secrets.add(secret);
        }
        DeviceImport job = new DeviceImport();
        job.setMetadata(
            new ObjectMetaBuilder().withName(name).withNamespace(s.namespace()).build());
        DeviceImportSpec importSpec = new DeviceImportSpec();
        importSpec.setHubName(hubName);
        importSpec.setSecretNames(secrets);
        job.setSpec(importSpec);
        s.client().resource(job).create();
        var out = s.terminal().out();
        out.printf(
            "DeviceImport %s created: %,d devices in %d Secret(s).%n",
            name, parsed.entries().size(), secrets.size());
        if (noWait) {
          return ExitCodes.OK;
        }
        Instant deadline = s.clock().instant().plus(timeout);
        while (true) {
          DeviceImport current =
              s.client()
                  .resources(DeviceImport.class)
                  .inNamespace(s.namespace())
                  .withName(name)
                  .get();
          DeviceImportPhase phase =
              current == null || current.getStatus() == null
                  ? null
                  : current.getStatus().getPhase();
          if (phase == DeviceImportPhase.Succeeded) {
            out.println(current.getStatus().getMessage());
            return ExitCodes.OK;
          }
          if (phase == DeviceImportPhase.Failed) {
            s.terminal()
                .err()
                .println(
                    "Import failed ("
                        + current.getStatus().getReason()
                        + "): "
                        + current.getStatus().getMessage());
            return ExitCodes.FAILED;
          }
          if (Instant.now().isAfter(deadline)) {
            s.terminal()
                .err()
                .println(
                    "The import "
                        + name
                        + " is still running after "
                        + timeout
                        + "; see kubectl get deviceimports -n "
                        + s.namespace());
            return ExitCodes.TIMEOUT;
          }
          Thread.sleep(200);
        }
      }
    }
  }

  /** The registry shards of the hub's current region, found by their labels in any namespace. */
  static final class Registry {
    static List<io.fabric8.kubernetes.api.model.Secret> shards(Session s, IoTHub hub) {
      if (hub.getStatus() == null || hub.getStatus().getCurrentLocation() == null) {
        throw new CliException(
            ExitCodes.API_ERROR, "Hub " + hub.getMetadata().getName() + " is not provisioned yet.");
      }
      return s.client()
          .secrets()
          .inAnyNamespace()
          .withLabel(HubNames.HUB_NAME, hub.getMetadata().getName())
          .withLabel(HubNames.HUB_NAMESPACE, hub.getMetadata().getNamespace())
          .withLabel(HubNames.COMPONENT, RegistryStore.COMPONENT)
          .withLabel(HubNames.REGION, hub.getStatus().getCurrentLocation().getId())
          .list()
          .getItems();
    }
  }
}
