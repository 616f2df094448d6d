package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.status.Messages;
import dev.iothub.operator.status.Timestamps;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The hub's decision on its open requests, taken in the hub controller (the only writer of the
 * hub's status, so two requests can never both start): the oldest acceptable request becomes the
 * active operation; each refused one is recorded in the history, from where the request controller
 * copies the verdict.
 */
public final class RequestIntake {
  private final FailoverPolicy policy;
  private final int historyLimit;

  public RequestIntake(FailoverPolicy policy, int historyLimit) {
    this.policy = policy;
    this.historyLimit = historyLimit;
  }

  /** What a pass decided: the request that starts (or null) and the refusals it recorded. */
  public record Intake(FailoverRequest accepted, List<OperationRecord> refused) {}

  /**
   * Decides on the open requests; changes {@code status} in place. A request is taken only while
   * fewer than {@code historyLimit} verdicts (or the running operation) wait for their requests to
   * copy them; the others stay Pending until then, so no verdict is ever trimmed before it is
   * copied (see {@link OperationHistory}).
   */
  public Intake decide(
      IoTHub hub,
      IoTHubStatus status,
      HubLocations locations,
      List<FailoverRequest> requests,
      Instant now) {
    FailoverRequest accepted = null;
    List<OperationRecord> refused = new java.util.ArrayList<>();
    List<FailoverRequest> mine =
        requests.stream()
            .filter(r -> Objects.equals(r.getSpec().getHubName(), hub.getMetadata().getName()))
            .toList();
    Set<String> openUids = openUids(mine);
    List<FailoverRequest> open =
        mine.stream()
            .filter(r -> seen(r) && !isTerminal(r) && !decided(status, r))
            .sorted(
                Comparator.comparing((FailoverRequest r) -> r.getMetadata().getCreationTimestamp())
                    .thenComparing(r -> r.getMetadata().getName()))
            .toList();
    for (FailoverRequest request : open) {
      long waiting =
          OperationHistory.awaitingCopy(status, openUids) + (status.getOperation() == null ? 0 : 1);
      if (waiting >= historyLimit) {
        break;
      }
      // The rules see the status as it is after the decisions taken so far in this pass.
      IoTHub view = new IoTHub();
      view.setMetadata(hub.getMetadata());
      view.setSpec(hub.getSpec());
      view.setStatus(status);
      Decision decision = FailoverRules.evaluate(request, view, policy, now);
      if (decision.allowed() && accepted == null) {
        if (locations == null) {
          throw new IllegalStateException("a hub without locations cannot take a request");
        }
        status.setOperation(start(request, locations, status, now));
        accepted = request;
      } else if (!decision.allowed()) {
        OperationRecord rejection = rejection(request, status, decision, now);
        OperationHistory.append(status, rejection, now);
        refused.add(rejection);
      }
    }
    return new Intake(accepted, refused);
  }

  /**
   * The uids of this hub's requests that have not recorded a final phase: their verdicts must stay
   * in the history until they do.
   */
  public static Set<String> openUids(List<FailoverRequest> requests) {
    return requests.stream()
        .filter(r -> !isTerminal(r))
        .map(r -> r.getMetadata().getUid())
        .collect(Collectors.toSet());
  }

  private static ActiveOperation start(
      FailoverRequest request, HubLocations locations, IoTHubStatus status, Instant now) {
    ActiveOperation op = new ActiveOperation();
    op.setRequestName(request.getMetadata().getName());
    op.setRequestUid(request.getMetadata().getUid());
    op.setType(FailoverRules.typeOf(status));
    op.setSource(HubLocations.ref(locations.current()));
    op.setTarget(HubLocations.ref(locations.failover()));
    op.setStep(OperationSteps.ORDER.get(0));
    op.setStartedAt(Timestamps.format(now));
    op.setStepStartedAt(Timestamps.format(now));
    op.setDevicesMigrated(0L);
    return op;
  }

  private static OperationRecord rejection(
      FailoverRequest request, IoTHubStatus status, Decision decision, Instant now) {
    OperationRecord r = new OperationRecord();
    r.setRequestName(request.getMetadata().getName());
    r.setRequestUid(request.getMetadata().getUid());
    OperationType type = FailoverRules.typeOf(status);
    r.setType(type);
    r.setResult(RequestPhase.Rejected);
    r.setReason(decision.reason());
    r.setMessage(Messages.bounded(decision.message()));
    if (decision.retryAfter() != null) {
      r.setRetryAfter(Timestamps.format(decision.retryAfter()));
    }
    r.setCompletedAt(Timestamps.format(now));
    return r;
  }

  /**
   * The request controller has looked at the request (it is Pending, with the locations it is
   * about): the hub decides only then, so a refusal never overtakes that first status.
   */
  private static boolean seen(FailoverRequest r) {
    return r.getStatus() != null && r.getStatus().getPhase() != null;
  }

  private static boolean isTerminal(FailoverRequest r) {
    return r.getStatus() != null
        && r.getStatus().getPhase() != null
        && r.getStatus().getPhase().isTerminal();
  }

  /** The hub already runs or recorded this very request (same uid). */
  private static boolean decided(IoTHubStatus status, FailoverRequest r) {
    String uid = r.getMetadata().getUid();
    if (status.getOperation() != null && uid.equals(status.getOperation().getRequestUid())) {
      return true;
    }
    return status.getHistory() != null
        && status.getHistory().stream().anyMatch(h -> uid.equals(h.getRequestUid()));
  }
}
