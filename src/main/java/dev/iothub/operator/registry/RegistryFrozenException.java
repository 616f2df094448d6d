package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.IoTHub;

/** Registry writes wait while a failover or failback runs; the writer retries after it. */
public final class RegistryFrozenException extends IllegalStateException {
  public RegistryFrozenException(IoTHub hub) {
    super(
        "the registry of hub "
            + hub.getMetadata().getName()
            + " is frozen while an operation runs; the write is applied after it completes");
  }
}
