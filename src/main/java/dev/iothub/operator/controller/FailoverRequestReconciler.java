package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestStatus;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.RequestReason;
import dev.iothub.operator.failover.Decision;
import dev.iothub.operator.failover.FailoverRules;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Reports a FailoverRequest: it mirrors what the hub decided (running, finished or refused) into
 * the request's status, and decides alone only what the hub cannot: a hub that does not exist or is
 * gone, and a confirmation that does not match (which the hub refuses the same way). The request
 * and its hub come from the caches.
 */
@jakarta.inject.Singleton
@ControllerConfiguration(name = FailoverRequestReconciler.NAME)
public class FailoverRequestReconciler implements Reconciler<FailoverRequest> {
  public static final String NAME = "failoverrequest";

  private final Clock clock;

  public FailoverRequestReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, FailoverRequest>> prepareEventSources(
      EventSourceContext<FailoverRequest> context) {
    return List.of(
        HubWatch.hubsNamedBy(
            context,
            FailoverRequest.class,
            r -> r.getSpec().getHubName(),
            HubViews::request,
            FailoverRequestReconciler::terminal));
  }

  @Override
  public UpdateControl<FailoverRequest> reconcile(
      FailoverRequest request, Context<FailoverRequest> context) {
    if (terminal(request)) {
      return UpdateControl.noUpdate();
    }
    var status = new FailoverRequestStatusBuilder(request, clock.instant());
    decide(request, HubWatch.hubOf(context).orElse(null), status);
    StatusReport.publish(
        context.getClient(), clock, request, status.build(), FailoverRequestReconciler::outcome);
    return UpdateControl.noUpdate();
  }

  /** What the request's status says, from the request and its hub alone. */
  static void decide(FailoverRequest request, IoTHub hub, FailoverRequestStatusBuilder status) {
    IoTHubStatus hubStatus = hub == null ? null : hub.getStatus();
    String uid = request.getMetadata().getUid();
    Optional<OperationRecord> verdict =
        hubStatus == null || hubStatus.getHistory() == null
            ? Optional.empty()
            : hubStatus.getHistory().stream()
                .filter(r -> uid.equals(r.getRequestUid()))
                .findFirst();
    boolean running =
        hubStatus != null
            && hubStatus.getOperation() != null
            && uid.equals(hubStatus.getOperation().getRequestUid());
    boolean wasRunning = status.phase() == RequestPhase.Running;
    if (verdict.isPresent()) {
      status.finished(verdict.get());
    } else if (running && !hub.isMarkedForDeletion()) {
      status.running(hubStatus.getOperation());
    } else if (running) {
      hubDeleted(status, hub.getMetadata().getName(), "; its objects are being removed.");
    } else if (wasRunning && (hub == null || hub.isMarkedForDeletion())) {
      hubDeleted(status, request.getSpec().getHubName(), ".");
    } else {
      // Checks that need no hub, or concern a hub that cannot decide: the same rules the hub uses.
      Decision decision = FailoverRules.checkRequest(request, hub);
      if (!decision.allowed()) {
        status.end(RequestPhase.Rejected, decision.reason(), decision.message());
      } else {
        status.pending(hubStatus);
      }
    }
  }

  @Override
  public ErrorStatusUpdateControl<FailoverRequest> updateErrorStatus(
      FailoverRequest request, Context<FailoverRequest> context, Exception e) {
    if (terminal(request)) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    return StatusReport.failed(
        request,
        e,
        message ->
            new FailoverRequestStatusBuilder(request, clock.instant())
                .failing(RequestReason.OperatorError, message)
                .build());
  }

  private static void hubDeleted(FailoverRequestStatusBuilder status, String hub, String more) {
    String message = "IoTHub " + hub + " was deleted while the operation ran" + more;
    status.end(RequestPhase.Failed, RequestReason.HubDeleted.name(), message);
  }

  private static StatusReport.Outcome outcome(FailoverRequestStatus status) {
    RequestPhase phase = status.getPhase();
    String name = phase == null ? null : phase.name();
    boolean warning = phase != null && phase.isTerminal() && phase != RequestPhase.Succeeded;
    String reason = status.getReason() != null ? status.getReason() : name;
    return new StatusReport.Outcome(name, warning, reason, status.getMessage());
  }

  /** A final phase never changes again: the hub's updates need not wake it. */
  static boolean terminal(FailoverRequest request) {
    return request.getStatus() != null
        && request.getStatus().getPhase() != null
        && request.getStatus().getPhase().isTerminal();
  }
}
