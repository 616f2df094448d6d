package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.DeviceKeySecrets;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryFrozenException;
import dev.iothub.operator.registry.RegistryFullException;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.EventRecorder;
import dev.iothub.operator.status.StatusWriter;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Registers a Device in its hub's registry: a key in a Secret of the hub namespace, a salted hash
 * in the registry shard of the hub's current region. Registry changes wait while a failover runs
 * (the registry is frozen) and are applied after it: the hub's status change wakes the device up.
 */
@jakarta.inject.Singleton
@ControllerConfiguration(name = DeviceReconciler.NAME)
public class DeviceReconciler implements Reconciler<Device>, Cleaner<Device> {
  public static final String NAME = "device";
  static final Duration WAIT = Duration.ofSeconds(10);

  private final OperatorSettings settings;
  private final Clock clock;

  public DeviceReconciler(OperatorSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, Device>> prepareEventSources(EventSourceContext<Device> context) {
    return List.of(HubWatch.hubsNamedBy(context, Device.class, d -> d.getSpec().getHubName()));
  }

  @Override
  public UpdateControl<Device> reconcile(Device cached, Context<Device> context) {
    KubernetesClient client = context.getClient();
    Device device = client.resource(cached).get();
    if (device == null || device.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    DeviceStatusBuilder status = new DeviceStatusBuilder(device, clock.instant());
    String id = deviceId(device);
    String before = device.getStatus() == null ? null : device.getStatus().getReason();
    Duration retry = register(client, context, device, id, status);
    Device written = new StatusWriter(client).write(device, status.build());
    String after = status.build().getReason();
    if (!Objects.equals(before, after)) {
      boolean fine = "Registered".equals(after) || "RegistryFrozen".equals(after);
      new EventRecorder(client, clock)
          .record(
              written,
              fine ? EventRecorder.NORMAL : EventRecorder.WARNING,
              after,
              status.build().getMessage());
    }
    return retry == null
        ? UpdateControl.noUpdate()
        : UpdateControl.<Device>noUpdate().rescheduleAfter(retry.toMillis());
  }

  /** Does the work; returns when to look again, or null when done. */
  private Duration register(
      KubernetesClient client,
      Context<Device> context,
      Device device,
      String id,
      DeviceStatusBuilder status) {
    IoTHub hub = hub(client, device);
    if (hub == null || hub.isMarkedForDeletion()) {
      status.notRegistered(
          "HubNotFound",
          "There is no IoTHub named "
              + device.getSpec().getHubName()
              + " in namespace "
              + device.getMetadata().getNamespace()
              + ". Check hubName; the device is registered once the hub exists.");
      return settings.retryMaxDelay();
    }
    Optional<Device> twin = duplicateOf(context, device, id);
    if (twin.isPresent()) {
      status.notRegistered(
          "DuplicateDeviceId",
          "Device "
              + twin.get().getMetadata().getName()
              + " already registers device id "
              + id
              + " in hub "
              + hub.getMetadata().getName()
              + ". Give this Device another deviceId (or name).");
      return null;
    }
    HubLocations.Resolution resolution = HubLocations.resolve(hub, settings.regions());
    if (resolution.locations() == null
        || hub.getStatus() == null
        || hub.getStatus().getCurrentLocation() == null) {
      status.notRegistered(
          "HubNotReady",
          "IoTHub "
              + hub.getMetadata().getName()
              + " is not provisioned yet; the device is registered when it is.");
      return settings.retryInitialDelay();
    }
    if (hub.getStatus().getOperation() != null) {
      status.waiting(
          "RegistryFrozen",
          "A "
              + hub.getStatus().getOperation().getType().name().toLowerCase()
              + " of "
              + hub.getMetadata().getName()
              + " is running; this change is applied when it completes.");
      return WAIT;
    }
    String key = new DeviceKeySecrets(client).keyOf(device, id, hub.getStatus().getHostName());
    if (key == null) {
      status.notRegistered(
          "KeySecretNotFound",
          "Secret "
              + device.getSpec().getKeySecretName()
              + " in namespace "
              + device.getMetadata().getNamespace()
              + " does not exist or has no key "
              + DeviceKeySecrets.KEY
              + ". Create it; the device is registered then.");
      return settings.retryMaxDelay();
    }
    Region region = resolution.locations().current();
    RegistryStore store = new RegistryStore(client);
    DeviceRecord stored = store.find(hub, region, id);
    boolean enabled = !Boolean.FALSE.equals(device.getSpec().getEnabled());
    if (stored == null
        || stored.enabled() != enabled
        || stored.credentialHash() == null
        || !PasswordHashes.verify(key, stored.credentialHash())) {
      try {
        store.write(
            hub,
            region,
            List.of(
                new DeviceRecord(
                    id, enabled, PasswordHashes.hash(key), Timestamps.format(clock.instant()))),
            clock.instant());
      } catch (RegistryFullException e) {
        status.notRegistered(
            "RegistryFull",
            "Device "
                + id
                + " is not registered: "
                + e.getMessage()
                + ". Delete devices of this hub or register it in a hub with more shards.");
        return settings.retryMaxDelay();
      } catch (RegistryFrozenException e) {
        // The hub started an operation after we read its status: the shard's fence caught it.
        status.waiting(
            "RegistryFrozen",
            "An operation of "
                + hub.getMetadata().getName()
                + " is running; this change is applied when it completes.");
        return WAIT;
      }
    }
    status.registered(
        id,
        DeviceKeySecrets.secretName(device),
        "Device "
            + id
            + " is registered in "
            + hub.getMetadata().getName()
            + (enabled ? "" : " (disabled: its connections are refused)")
            + ".");
    return null;
  }

  @Override
  public DeleteControl cleanup(Device device, Context<Device> context) {
    KubernetesClient client = context.getClient();
    IoTHub hub = hub(client, device);
    String id = deviceId(device);
    if (hub != null
        && hub.getStatus() != null
        && hub.getStatus().getCurrentLocation() != null
        && duplicateOf(context, device, id).isEmpty()) {
      if (hub.getStatus().getOperation() != null) {
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(WAIT.toMillis());
      }
      HubLocations.Resolution resolution = HubLocations.resolve(hub, settings.regions());
      if (resolution.locations() != null) {
        new RegistryStore(client)
            .remove(hub, resolution.locations().current(), List.of(id), clock.instant());
      }
    }
    new DeviceKeySecrets(client).deleteGenerated(device);
    return DeleteControl.defaultDelete();
  }

  public static String deviceId(Device device) {
    return device.getSpec().getDeviceId() != null
        ? device.getSpec().getDeviceId()
        : device.getMetadata().getName();
  }

  private static IoTHub hub(KubernetesClient client, Device device) {
    return client
        .resources(IoTHub.class)
        .inNamespace(device.getMetadata().getNamespace())
        .withName(device.getSpec().getHubName())
        .get();
  }

  /** The oldest other Device of the same hub with the same id: it keeps the id. */
  private static Optional<Device> duplicateOf(Context<Device> context, Device device, String id) {
    return HubWatch.namingHub(
            context.getPrimaryCache(),
            device.getMetadata().getNamespace(),
            device.getSpec().getHubName())
        .stream()
        .filter(d -> !d.getMetadata().getUid().equals(device.getMetadata().getUid()))
        .filter(d -> deviceId(d).equals(id))
        .filter(d -> olderThan(d, device))
        .min(Comparator.comparing((Device d) -> d.getMetadata().getCreationTimestamp()));
  }

  private static boolean olderThan(Device a, Device b) {
    int byTime =
        a.getMetadata().getCreationTimestamp().compareTo(b.getMetadata().getCreationTimestamp());
    return byTime < 0
        || (byTime == 0 && a.getMetadata().getName().compareTo(b.getMetadata().getName()) < 0);
  }
}
