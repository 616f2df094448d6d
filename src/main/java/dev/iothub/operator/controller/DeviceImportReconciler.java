package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportPhase;
import dev.iothub.api.v1alpha1.DeviceImportReason;
import dev.iothub.api.v1alpha1.DeviceImportStatus;
import dev.iothub.operator.config.OperatorSettings;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Runs a DeviceImport once: reads and checks every record first (a bad line imports nothing),
 * hashes the keys, then writes the hub's registry shard by shard ({@link DeviceImportJob}). Like a
 * Device, it waits while the hub's registry is frozen by a failover; the hub comes from the cache.
 */
@jakarta.inject.Singleton
@ControllerConfiguration(name = DeviceImportReconciler.NAME)
public class DeviceImportReconciler implements Reconciler<DeviceImport> {
  public static final String NAME = "deviceimport";

  private final OperatorSettings settings;
  private final Clock clock;

  /**
   * Imports run one at a time: each holds up to the import limits' records (and their hashes) while
   * it writes, and several at once could exhaust the heap.
   */
  private final Semaphore running = new Semaphore(1);

  private final HashedImportRecords hashed = new HashedImportRecords();

  public DeviceImportReconciler(OperatorSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, DeviceImport>> prepareEventSources(
      EventSourceContext<DeviceImport> context) {
    return List.of(
        HubWatch.hubsNamedBy(
            context,
            DeviceImport.class,
            i -> i.getSpec().getHubName(),
            HubViews::registryWriter,
            DeviceImportReconciler::terminal));
  }

  @Override
  public UpdateControl<DeviceImport> reconcile(DeviceImport job, Context<DeviceImport> context) {
    if (terminal(job)) {
      return UpdateControl.noUpdate();
    }
    DeviceImportStatusBuilder status = new DeviceImportStatusBuilder(job, clock.instant());
    var retry =
        new DeviceImportJob(settings, clock, context.getClient(), running, hashed)
            .run(job, HubWatch.hubOf(context), status);
    return StatusReport.publishThenLookAgain(
        context, clock, job, status.build(), DeviceImportReconciler::outcome, retry);
  }

  @Override
  public ErrorStatusUpdateControl<DeviceImport> updateErrorStatus(
      DeviceImport job, Context<DeviceImport> context, Exception e) {
    return StatusReport.failed(
        job,
        e,
        message ->
            new DeviceImportStatusBuilder(job, clock.instant())
                .pending(DeviceImportReason.OperatorError, message)
                .build());
  }

  private static StatusReport.Outcome outcome(DeviceImportStatus status) {
    String phase = status.getPhase() == null ? null : status.getPhase().name();
    return new StatusReport.Outcome(
        phase + status.getReason(),
        status.getPhase() == DeviceImportPhase.Failed,
        status.getReason() == null ? phase : status.getReason(),
        status.getMessage());
  }

  /** A final phase never changes again: the hub's updates need not wake it. */
  static boolean terminal(DeviceImport job) {
    return job.getStatus() != null
        && job.getStatus().getPhase() != null
        && job.getStatus().getPhase().isTerminal();
  }
}
