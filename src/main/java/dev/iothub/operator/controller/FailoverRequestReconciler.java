package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.failover.Decision;
import dev.iothub.operator.failover.FailoverRules;
import dev.iothub.operator.status.EventRecorder;
import dev.iothub.operator.status.StatusWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reports a FailoverRequest: it mirrors what the hub decided (running, finished or refused) into
 * the request's status, and decides alone only what the hub cannot: a hub that does not exist or is
 * gone, and a confirmation that does not match (which the hub refuses the same way).
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
        HubWatch.hubsNamedBy(context, FailoverRequest.class, r -> r.getSpec().getHubName()));
  }

  @Override
  public UpdateControl<FailoverRequest> reconcile(
      FailoverRequest cached, Context<FailoverRequest> context) {
    KubernetesClient client = context.getClient();
    FailoverRequest request = client.resource(cached).get();
    if (request == null
        || (request.getStatus() != null
            && request.getStatus().getPhase() != null
            && request.getStatus().getPhase().isTerminal())) {
      return UpdateControl.noUpdate();
    }
    RequestPhase before = request.getStatus() == null ? null : request.getStatus().getPhase();
    FailoverRequestStatusBuilder status =
        new FailoverRequestStatusBuilder(request, clock.instant());
    IoTHub hub =
        client
            .resources(IoTHub.class)
            .inNamespace(request.getMetadata().getNamespace())
            .withName(request.getSpec().getHubName())
            .get();
    IoTHubStatus hubStatus = hub == null ? null : hub.getStatus();
    String uid = request.getMetadata().getUid();
    Optional<OperationRecord> verdict =
        hubStatus == null || hubStatus.getHistory() == null
            ? Optional.empty()
            : hubStatus.getHistory().stream()
                .filter(r -> uid.equals(r.getRequestUid()))
                .findFirst();

    if (verdict.isPresent()) {
      status.finished(verdict.get());
    } else if (hubStatus != null
        && hubStatus.getOperation() != null
        && uid.equals(hubStatus.getOperation().getRequestUid())) {
      if (hub.isMarkedForDeletion()) {
        status.end(
            RequestPhase.Failed,
            "HubDeleted",
            "IoTHub "
                + hub.getMetadata().getName()
                + " was deleted while the operation ran; its objects are being removed.");
      } else {
        status.running(hubStatus.getOperation());
      }
    } else if (before == RequestPhase.Running && (hub == null || hub.isMarkedForDeletion())) {
      status.end(
          RequestPhase.Failed,
          "HubDeleted",
          "IoTHub " + request.getSpec().getHubName() + " was deleted while the operation ran.");
    } else {
      // Checks that need no hub, or concern a hub that cannot decide: the same rules the hub uses.
      Decision decision = FailoverRules.checkRequest(request, hub);
      if (!decision.allowed()) {
        status.end(RequestPhase.Rejected, decision.reason(), decision.message());
      } else {
        status.pending(hubStatus);
      }
    }
    FailoverRequest written = new StatusWriter(client).write(request, status.build());
    RequestPhase after = status.phase();
    if (!Objects.equals(before, after)) {
      String type =
          after.isTerminal() && after != RequestPhase.Succeeded
              ? EventRecorder.WARNING
              : EventRecorder.NORMAL;
      String reason =
          written.getStatus().getReason() != null ? written.getStatus().getReason() : after.name();
      new EventRecorder(client, clock)
          .record(written, type, reason, written.getStatus().getMessage());
    }
    return UpdateControl.noUpdate();
  }
}
