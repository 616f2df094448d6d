package dev.iothub.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.FailoverRequestStatus;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.QuotaStatus;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.RequestReason;
import dev.iothub.api.v1alpha1.StepTiming;
import dev.iothub.operator.config.IoTHubConfig;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Messages;
import dev.iothub.operator.status.StatusBudget;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hub's status stays under {@link StatusBudget#MAX_BYTES} by construction: the worst case built
 * from the bounds in the code (every count at its maximum, every field at its longest) fits, and so
 * does what 200 refused requests with the longest names leave behind.
 */
class StatusBudgetTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final Instant T = Instant.parse("2026-11-26T23:59:59.999Z");
  private static final String UID = "0d6c1e54-7f1b-4a9e-9a55-3b3a9f2e8c11";
  // A message as long as the bound lets it be, in the widest characters (3 bytes each).
  private static final String LONGEST_MESSAGE = Messages.bounded("€".repeat(1000));

  @Test
  void messagesAreCutToTheirSerializedBound() {
    assertThat(Messages.serializedSize(LONGEST_MESSAGE))
        .isLessThanOrEqualTo(Messages.MAX_LENGTH)
        .isGreaterThan(Messages.MAX_LENGTH - 6);
    assertThat(LONGEST_MESSAGE).endsWith("...");
    for (String text : List.of("\"".repeat(400), "a\u0001b".repeat(300), "x".repeat(2000))) {
      String bounded = Messages.bounded(text);
      assertThat(JSON.asJson(bounded).getBytes(StandardCharsets.UTF_8).length - 2)
          .isLessThanOrEqualTo(Messages.MAX_LENGTH);
    }
    assertThat(Messages.bounded("short. \t fine")).isEqualTo("short.   fine");
    assertThat(Messages.bounded("x".repeat(512))).isEqualTo("x".repeat(512));
  }

  @Test
  void theWorstCaseOfEveryBoundFits() {
    IoTHubStatus status = new IoTHubStatus();
    status.setObservedGeneration(Long.MAX_VALUE);
    status.setState(HubState.FailingOver);
    status.setPrimaryLocation(longestLocation());
    status.setCurrentLocation(longestLocation());
    status.setFailoverLocation(longestLocation());
    status.setHostName("h".repeat(253));
    RegistryStatus registry = new RegistryStatus();
    registry.setDevices(Long.MAX_VALUE);
    registry.setChecksum("c".repeat(64));
    registry.setFrozen(true);
    registry.setStandbySyncedAt(Timestamps.format(T));
    status.setRegistry(registry);
    QuotaStatus quota = new QuotaStatus();
    quota.setFailoversRemaining(Integer.MAX_VALUE);
    quota.setFailbacksRemaining(Integer.MAX_VALUE);
    quota.setNextOperationAllowedAt(Timestamps.format(T));
    status.setQuota(quota);
    status.setOperation(longestOperation());
    // The history: the limit, plus the successes of a quota window, which are always kept.
    int records = IoTHubConfig.MAX_HISTORY_LIMIT + 2 * FailoverPolicy.MAX_OPERATIONS_PER_WINDOW;
    List<OperationRecord> history = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      history.add(longestRecord(i));
    }
    status.setHistory(history);
    // The replay guard: every name it keeps, spread over as many days as the longest retention.
    long days = FailoverPolicy.MAX_REPLAY_GUARD.toDays() + 1;
    for (int i = 0; i < ProcessedRequests.MAX_NAMES; i++) {
      ProcessedRequests.remember(status, "n" + i, T.minus(Duration.ofDays(i % days)));
    }
    assertThat(status.getProcessedRequests()).hasSize((int) days);
    assertThat(ProcessedRequests.size(status)).isEqualTo(ProcessedRequests.MAX_NAMES);
    // The conditions a hub has: Ready, OperationInProgress, BrokerProbe and Reconciled.
    for (String type :
        List.of(
            IoTHubStatusBuilder.READY,
            IoTHubStatusBuilder.OPERATION_IN_PROGRESS,
            IoTHubStatusBuilder.BROKER_PROBE,
            "Reconciled")) {
      Conditions.set(
          status.getConditions(), type, false, "R".repeat(40), "€".repeat(1000), Long.MAX_VALUE, T);
    }
    status.setMessage(Messages.bounded("€".repeat(1000)));

    int bytes = size(status);
    System.out.printf(
        "worst-case hub status: %d bytes (%d records, %d names), budget %d%n",
        bytes, records, ProcessedRequests.MAX_NAMES, StatusBudget.MAX_BYTES);
    assertThat(bytes).isLessThan(StatusBudget.MAX_BYTES);
  }

  /**
   * 200 refused requests with names of 253 characters and hubName / confirmHubName at their
   * maximum, taken as the hub takes them (never more uncopied verdicts than the limit), with the
   * largest history limit.
   */
  @Test
  void twoHundredRefusedRequestsWithTheLongestNamesFit() {
    String hubName = "h" + "x".repeat(48) + "b";
    IoTHub hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder().withName(hubName).withNamespace("ns").withGeneration(1L).build());
    IoTHubStatus status = new IoTHubStatus();
    status.setState(HubState.Provisioning);
    hub.setStatus(status);
    List<FailoverRequest> requests = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String suffix = "-" + i;
      requests.add(
          request(
              "r".repeat(253 - suffix.length()) + suffix,
              hubName,
              i % 2 == 0 ? hubName : "y".repeat(50)));
    }
    RequestIntake intake =
        new RequestIntake(FailoverPolicy.azureDefaults(), IoTHubConfig.MAX_HISTORY_LIMIT);
    int taken = 0;
    for (int pass = 0; taken < requests.size() && pass < 10; pass++) {
      List<OperationRecord> refused = intake.decide(hub, status, null, requests, T).refused();
      taken += refused.size();
      OperationHistory.prune(
          status,
          IoTHubConfig.MAX_HISTORY_LIMIT,
          RequestIntake.openUids(requests),
          FailoverPolicy.azureDefaults(),
          T);
      assertThat(size(status)).isLessThan(StatusBudget.MAX_BYTES);
      // The request controller copies the verdicts.
      for (OperationRecord r : refused) {
        requests.stream()
            .filter(q -> q.getMetadata().getUid().equals(r.getRequestUid()))
            .forEach(q -> q.getStatus().setPhase(RequestPhase.Rejected));
      }
    }
    assertThat(taken).isEqualTo(200);
    assertThat(ProcessedRequests.size(status)).isEqualTo(200);
    int bytes = size(status);
    System.out.printf("hub status after 200 refused requests: %d bytes%n", bytes);
    assertThat(bytes).isLessThan(StatusBudget.MAX_BYTES);
  }

  private static int size(IoTHubStatus status) {
    return JSON.asJson(status).getBytes(StandardCharsets.UTF_8).length;
  }

  private static FailoverRequest request(String name, String hub, String confirm) {
    FailoverRequest r = new FailoverRequest();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("ns")
            .withUid(java.util.UUID.nameUUIDFromBytes(name.getBytes()).toString())
            .withCreationTimestamp(Timestamps.format(T))
            .build());
    FailoverRequestSpec spec = new FailoverRequestSpec();
    spec.setHubName(hub);
    spec.setConfirmHubName(confirm);
    r.setSpec(spec);
    FailoverRequestStatus status = new FailoverRequestStatus();
    status.setPhase(RequestPhase.Pending);
    r.setStatus(status);
    return r;
  }

  private static LocationRef longestLocation() {
    return new LocationRef(
        "i".repeat(IoTHub.MAX_REGION_ID_LENGTH), "D".repeat(IoTHub.MAX_DISPLAY_NAME_LENGTH));
  }

  private static String longestReason() {
    return Arrays.stream(RequestReason.values())
        .map(Enum::name)
        .max(Comparator.comparingInt(String::length))
        .orElseThrow();
  }

  private static List<StepTiming> allSteps() {
    return Arrays.stream(OperationStep.values())
        .map(s -> new StepTiming(s, Long.MAX_VALUE))
        .toList();
  }

  private static ActiveOperation longestOperation() {
    ActiveOperation op = new ActiveOperation();
    op.setRequestName("o".repeat(253));
    op.setRequestUid(UID);
    op.setType(OperationType.Failback);
    op.setSource(longestLocation());
    op.setTarget(longestLocation());
    op.setStep(OperationStep.values()[0]);
    op.setStartedAt(Timestamps.format(T));
    op.setStepStartedAt(Timestamps.format(T));
    op.setDevicesTotal(Long.MAX_VALUE);
    op.setDevicesMigrated(Long.MAX_VALUE);
    op.setSourceReachable(false);
    op.setStandbyLagSeconds(Long.MAX_VALUE);
    op.setSteps(new ArrayList<>(allSteps()));
    return op;
  }

  private static OperationRecord longestRecord(int i) {
    OperationRecord r = new OperationRecord();
    String suffix = "-" + i;
    r.setRequestName("r".repeat(253 - suffix.length()) + suffix);
    r.setRequestUid(UID);
    r.setType(OperationType.Failback);
    r.setSource(longestLocation());
    r.setTarget(longestLocation());
    r.setResult(RequestPhase.Succeeded);
    r.setReason(longestReason());
    r.setMessage(LONGEST_MESSAGE);
    r.setRetryAfter(Timestamps.format(T));
    r.setStartedAt(Timestamps.format(T));
    r.setCompletedAt(Timestamps.format(T));
    r.setDevicesMigrated(Long.MAX_VALUE);
    r.setSteps(new ArrayList<>(allSteps()));
    return r;
  }
}
