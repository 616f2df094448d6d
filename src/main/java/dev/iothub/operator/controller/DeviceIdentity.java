package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.Device;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Comparator;
import java.util.Optional;

/** A Device's id in the registry, and which Device keeps an id that two of them name. */
final class DeviceIdentity {
  private DeviceIdentity() {}

  static String of(Device device) {
    return device.getSpec().getDeviceId() != null
        ? device.getSpec().getDeviceId()
        : device.getMetadata().getName();
  }

  /** The oldest other Device of the same hub with the same id, from the cache: it keeps the id. */
  static Optional<Device> duplicateOf(Context<Device> context, Device device, String id) {
    return HubWatch.namingHub(
            context.getPrimaryCache(),
            device.getMetadata().getNamespace(),
            device.getSpec().getHubName())
        .stream()
        .filter(d -> !d.getMetadata().getUid().equals(device.getMetadata().getUid()))
        .filter(d -> of(d).equals(id))
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
