package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceReason;
import dev.iothub.api.v1alpha1.DeviceStatus;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.peer.PeerClusters;
import dev.iothub.operator.registry.HubRegistry;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.List;

/**
 * Registers a Device in its hub's registry: a key in a Secret of the hub namespace, a salted hash
 * in the registry shard of the hub's current region. Registry changes wait while a failover runs
 * (the registry is frozen) and are applied after it: the hub's status change wakes the device up.
 * The Device and its hub come from the caches; {@link DeviceRegistration} does the work.
 */
@jakarta.inject.Singleton
@ControllerConfiguration(name = DeviceReconciler.NAME)
public class DeviceReconciler implements Reconciler<Device>, Cleaner<Device> {
  public static final String NAME = "device";

  private final OperatorSettings settings;
  private final Clock clock;
  private final PeerClusters peers;

  public DeviceReconciler(OperatorSettings settings, Clock clock, PeerClusters peers) {
    this.settings = settings;
    this.clock = clock;
    this.peers = peers;
  }

  @Override
  public List<EventSource<?, Device>> prepareEventSources(EventSourceContext<Device> context) {
    return List.of(
        HubWatch.hubsNamedBy(
            context, Device.class, d -> d.getSpec().getHubName(), HubViews::device, d -> false));
  }

  @Override
  public UpdateControl<Device> reconcile(Device device, Context<Device> context) {
    if (device.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    DeviceStatusBuilder status = new DeviceStatusBuilder(device, clock.instant());
    var retry = new DeviceRegistration(settings, clock, context, peers).register(device, status);
    return StatusReport.publishThenLookAgain(
        context, clock, device, status.build(), DeviceReconciler::outcome, retry);
  }

  @Override
  public ErrorStatusUpdateControl<Device> updateErrorStatus(
      Device device, Context<Device> context, Exception e) {
    return StatusReport.failed(
        device,
        e,
        message ->
            new DeviceStatusBuilder(device, clock.instant())
                .notRegistered(DeviceReason.OperatorError, message)
                .build());
  }

  @Override
  public DeleteControl cleanup(Device device, Context<Device> context) {
    return new DeviceRegistration(settings, clock, context, peers).release(device)
        ? DeleteControl.defaultDelete()
        : DeleteControl.noFinalizerRemoval().rescheduleAfter(HubRegistry.FROZEN_RETRY.toMillis());
  }

  private static StatusReport.Outcome outcome(DeviceStatus status) {
    boolean fine =
        DeviceReason.Registered.name().equals(status.getReason())
            || DeviceReason.RegistryFrozen.name().equals(status.getReason());
    return new StatusReport.Outcome(
        status.getReason(), !fine, status.getReason(), status.getMessage());
  }
}
