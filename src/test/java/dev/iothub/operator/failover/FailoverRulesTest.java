package dev.iothub.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class FailoverRulesTest {
  private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");
  private static final LocationRef WEST = new LocationRef("westus2", "West US 2");
  private static final LocationRef WEST_CENTRAL =
      new LocationRef("westcentralus", "West Central US");
  private final FailoverPolicy policy = FailoverPolicy.azureDefaults();

  @Test
  void allowsAFailoverOfAReadyHubInItsPrimary() {
    Decision d = FailoverRules.evaluate(request("r1", "hub"), hub(), policy, T0);
    assertThat(d.allowed()).isTrue();
    assertThat(FailoverRules.typeOf(hub().getStatus())).isEqualTo(OperationType.Failover);
  }

  @Test
  void typeIsFailbackWhenTheHubRunsInItsFailoverLocation() {
    IoTHub hub = hub();
    hub.getStatus().setCurrentLocation(WEST_CENTRAL);
    hub.getStatus().setFailoverLocation(WEST);
    assertThat(FailoverRules.typeOf(hub.getStatus())).isEqualTo(OperationType.Failback);
  }

  @Test
  void tooSoonCountsFromTheLastSuccessOnlyAndNamesTheTime() {
    IoTHub hub = hub();
    hub.getStatus()
        .getHistory()
        .add(
            record(
                "a",
                OperationType.Failover,
                RequestPhase.Succeeded,
                T0.minus(Duration.ofMinutes(30))));
    Decision d = FailoverRules.evaluate(request("r1", "hub"), hub, policy, T0);
    assertThat(d.reason()).isEqualTo("TooSoon");
    assertThat(d.retryAfter()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(d.message()).contains("2026-11-26T08:30:00Z");

    IoTHub failedOnly = hub();
    failedOnly
        .getStatus()
        .getHistory()
        .add(
            record(
                "a",
                OperationType.Failover,
                RequestPhase.Failed,
                T0.minus(Duration.ofMinutes(30))));
    failedOnly
        .getStatus()
        .getHistory()
        .add(
            record(
                "b",
                OperationType.Failover,
                RequestPhase.Rejected,
                T0.minus(Duration.ofMinutes(1))));
    assertThat(FailoverRules.evaluate(request("r1", "hub"), failedOnly, policy, T0).allowed())
        .isTrue();
  }

  @Test
  void quotaIsPerTypeOverARollingWindow() {
    IoTHub hub = hub();
    hub.getStatus()
        .getHistory()
        .add(
            record(
                "a",
                OperationType.Failover,
                RequestPhase.Succeeded,
                T0.minus(Duration.ofHours(23))));
    hub.getStatus()
        .getHistory()
        .add(
            record(
                "b",
                OperationType.Failback,
                RequestPhase.Succeeded,
                T0.minus(Duration.ofHours(22))));
    hub.getStatus()
        .getHistory()
        .add(
            record(
                "c",
                OperationType.Failover,
                RequestPhase.Succeeded,
                T0.minus(Duration.ofHours(3))));
    hub.getStatus()
        .getHistory()
        .add(
            record(
                "d",
                OperationType.Failback,
                RequestPhase.Succeeded,
                T0.minus(Duration.ofHours(2))));

    Decision d = FailoverRules.evaluate(request("r1", "hub"), hub, policy, T0);
    assertThat(d.reason()).isEqualTo("QuotaExceeded");
    assertThat(d.retryAfter()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(FailoverRules.quota(hub.getStatus(), policy, T0).getFailoversRemaining()).isZero();
    // An hour later the first failover leaves the window.
    assertThat(
            FailoverRules.evaluate(
                    request("r1", "hub"), hub, policy, T0.plus(Duration.ofMinutes(61)))
                .allowed())
        .isTrue();
  }

  @Test
  void limitsComeFromThePolicy() {
    FailoverPolicy relaxed =
        new FailoverPolicy(
            5, 5, Duration.ofHours(24), Duration.ofMinutes(5), Duration.ofMinutes(1));
    IoTHub hub = hub();
    hub.getStatus()
        .getHistory()
        .add(
            record(
                "a",
                OperationType.Failover,
                RequestPhase.Succeeded,
                T0.minus(Duration.ofMinutes(6))));
    assertThat(FailoverRules.evaluate(request("r1", "hub"), hub, relaxed, T0).allowed()).isTrue();
    assertThat(FailoverRules.evaluate(request("r1", "hub"), hub, policy, T0).reason())
        .isEqualTo("TooSoon");
  }

  @Test
  void refusalsInTheirOrder() {
    assertThat(FailoverRules.evaluate(request("r1", "hub", "hbu"), hub(), policy, T0).reason())
        .isEqualTo("ConfirmationMismatch");
    assertThat(FailoverRules.evaluate(request("r1", "hub"), null, policy, T0).reason())
        .isEqualTo("HubNotFound");

    IoTHub deleting = hub();
    deleting.getMetadata().setDeletionTimestamp(Timestamps.format(T0));
    assertThat(FailoverRules.evaluate(request("r1", "hub"), deleting, policy, T0).reason())
        .isEqualTo("HubDeleting");

    IoTHub processed = hub();
    processed
        .getStatus()
        .getHistory()
        .add(
            record(
                "r1",
                OperationType.Failover,
                RequestPhase.Succeeded,
                T0.minus(Duration.ofDays(3))));
    assertThat(FailoverRules.evaluate(request("r1", "hub"), processed, policy, T0).reason())
        .isEqualTo("AlreadyProcessed");

    IoTHub busy = hub();
    ActiveOperation op = new ActiveOperation();
    op.setRequestName("other");
    op.setRequestUid("uid-other");
    op.setType(OperationType.Failover);
    busy.getStatus().setOperation(op);
    assertThat(FailoverRules.evaluate(request("r1", "hub"), busy, policy, T0).reason())
        .isEqualTo("OperationInProgress");

    IoTHub unpaired = hub();
    Conditions.set(
        unpaired.getStatus().getConditions(),
        "Ready",
        false,
        "LocationNotPaired",
        "no pair",
        1L,
        T0);
    unpaired.getStatus().setState(HubState.Failed);
    assertThat(FailoverRules.evaluate(request("r1", "hub"), unpaired, policy, T0).reason())
        .isEqualTo("NotPaired");

    IoTHub provisioning = hub();
    provisioning.getStatus().setState(HubState.Provisioning);
    assertThat(FailoverRules.evaluate(request("r1", "hub"), provisioning, policy, T0).reason())
        .isEqualTo("HubNotReady");

    IoTHub targetMissing = hub();
    Conditions.set(
        targetMissing.getStatus().getConditions(),
        "Ready",
        false,
        "RegionNamespaceMissing",
        "gone",
        1L,
        T0);
    assertThat(FailoverRules.evaluate(request("r1", "hub"), targetMissing, policy, T0).reason())
        .isEqualTo("HubNotReady");
  }

  @Test
  void aHubWhoseOwnRegionIsDownMayStillFailOver() {
    for (String reason : new String[] {"BrokerNotAvailable", "ActiveRegionUnavailable"}) {
      IoTHub hub = hub();
      Conditions.set(hub.getStatus().getConditions(), "Ready", false, reason, "down", 1L, T0);
      assertThat(FailoverRules.evaluate(request("r1", "hub"), hub, policy, T0).allowed())
          .as(reason)
          .isTrue();
    }
  }

  @Test
  void historyPruningKeepsTheSuccessesThatCountForTheQuota() {
    IoTHubStatus status = new IoTHubStatus();
    OperationHistory.append(
        status,
        record("s1", OperationType.Failover, RequestPhase.Succeeded, T0.minus(Duration.ofHours(2))),
        T0);
    for (int i = 0; i < 10; i++) {
      OperationHistory.append(
          status, record("x" + i, OperationType.Failover, RequestPhase.Rejected, T0), T0);
      OperationHistory.prune(status, 3, java.util.Set.of(), policy, T0);
    }
    assertThat(status.getHistory()).hasSize(3);
    assertThat(status.getHistory().get(0).getRequestName()).isEqualTo("s1");
    assertThat(FailoverRules.quota(status, policy, T0).getFailoversRemaining()).isEqualTo(1);
  }

  @Test
  void historyPruningKeepsTheVerdictsNotCopiedYet() {
    IoTHubStatus status = new IoTHubStatus();
    for (int i = 0; i < 5; i++) {
      OperationHistory.append(
          status, record("x" + i, OperationType.Failover, RequestPhase.Rejected, T0), T0);
    }
    // x1 and x3 have not recorded their verdicts: they stay, over the limit of 1.
    OperationHistory.prune(status, 1, java.util.Set.of("uid-old-x1", "uid-old-x3"), policy, T0);
    assertThat(status.getHistory())
        .extracting(OperationRecord::getRequestName)
        .containsExactly("x1", "x3");
    OperationHistory.prune(status, 1, java.util.Set.of("uid-old-x3"), policy, T0);
    assertThat(status.getHistory())
        .extracting(OperationRecord::getRequestName)
        .containsExactly("x3");
    OperationHistory.prune(status, 1, java.util.Set.of(), policy, T0);
    assertThat(status.getHistory())
        .extracting(OperationRecord::getRequestName)
        .containsExactly("x3");
  }

  private static FailoverRequest request(String name, String hub) {
    return request(name, hub, hub);
  }

  private static FailoverRequest request(String name, String hub, String confirm) {
    FailoverRequest r = new FailoverRequest();
    r.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid("uid-" + name).build());
    FailoverRequestSpec spec = new FailoverRequestSpec();
    spec.setHubName(hub);
    spec.setConfirmHubName(confirm);
    r.setSpec(spec);
    return r;
  }

  private static IoTHub hub() {
    IoTHub hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder().withName("hub").withNamespace("ns").withGeneration(1L).build());
    IoTHubStatus status = new IoTHubStatus();
    status.setState(HubState.Active);
    status.setPrimaryLocation(WEST);
    status.setCurrentLocation(WEST);
    status.setFailoverLocation(WEST_CENTRAL);
    status.setHistory(new ArrayList<>());
    Conditions.set(status.getConditions(), "Ready", true, "BrokerAvailable", "ok", 1L, T0);
    hub.setStatus(status);
    return hub;
  }

  private static OperationRecord record(
      String name, OperationType type, RequestPhase result, Instant completed) {
    OperationRecord r = new OperationRecord();
    r.setRequestName(name);
    r.setRequestUid("uid-old-" + name);
    r.setType(type);
    r.setResult(result);
    r.setCompletedAt(Timestamps.format(completed));
    return r;
  }

  @Test
  void intervalsReadInTheirLargestWholeUnit() {
    assertThat(FailoverRules.hours(java.time.Duration.ofHours(1))).isEqualTo("1 hour");
    assertThat(FailoverRules.hours(java.time.Duration.ofHours(24))).isEqualTo("24 hours");
    assertThat(FailoverRules.hours(java.time.Duration.ofMinutes(90))).isEqualTo("90 minutes");
    assertThat(FailoverRules.hours(java.time.Duration.ofMinutes(1))).isEqualTo("1 minute");
    // A short interval (a rehearsal, a test) used to read "less than 0 hours".
    assertThat(FailoverRules.hours(java.time.Duration.ofSeconds(20))).isEqualTo("20 seconds");
  }
}
