package dev.iothub.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.FailoverRequestStatus;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.region.HubLocations;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The replay guard: names of decided requests, refused again for the retention, by the clock. */
class ReplayGuardTest {
  // The last millisecond of a UTC day: the guard's day ends 1 ms later.
  private static final Instant LAST_MS = Instant.parse("2026-11-26T23:59:59.999Z");
  private static final Duration DAYS_30 = Duration.ofDays(30);
  private final FailoverPolicy policy = FailoverPolicy.azureDefaults();

  @Test
  void aNameIsGuardedForThirtyDaysToTheMillisecond() {
    IoTHubStatus status = new IoTHubStatus();
    ProcessedRequests.remember(status, "contoso-failover", LAST_MS);

    assertThat(ProcessedRequests.contains(status, "contoso-failover", DAYS_30, LAST_MS)).isTrue();
    Instant edge = LAST_MS.plus(DAYS_30);
    assertThat(ProcessedRequests.contains(status, "contoso-failover", DAYS_30, edge)).isTrue();
    assertThat(ProcessedRequests.contains(status, "contoso-failover", DAYS_30, edge.plusMillis(1)))
        .isFalse();
    assertThat(ProcessedRequests.contains(status, "other-name", DAYS_30, LAST_MS)).isFalse();

    // Decided at the first millisecond of the day: guarded for a day more, never less.
    IoTHubStatus early = new IoTHubStatus();
    Instant firstMs = Instant.parse("2026-11-26T00:00:00Z");
    ProcessedRequests.remember(early, "r", firstMs);
    assertThat(ProcessedRequests.contains(early, "r", DAYS_30, firstMs.plus(DAYS_30))).isTrue();
    assertThat(
            ProcessedRequests.contains(
                early, "r", DAYS_30, firstMs.plus(DAYS_30).plus(Duration.ofDays(1)).minusMillis(1)))
        .isTrue();
    assertThat(
            ProcessedRequests.contains(
                early, "r", DAYS_30, firstMs.plus(DAYS_30).plus(Duration.ofDays(1))))
        .isFalse();

    // Expiry drops the day at the same edge, and only then.
    ProcessedRequests.expire(status, DAYS_30, edge);
    assertThat(ProcessedRequests.size(status)).isEqualTo(1);
    ProcessedRequests.expire(status, DAYS_30, edge.plusMillis(1));
    assertThat(status.getProcessedRequests()).isEmpty();
  }

  @Test
  void namesOnlyCompactAndBounded() {
    IoTHubStatus status = new IoTHubStatus();
    String longName = "r".repeat(253);
    ProcessedRequests.remember(status, longName, LAST_MS);
    ProcessedRequests.remember(status, longName, LAST_MS);
    assertThat(status.getProcessedRequests())
        .containsOnlyKeys("2026-11-26")
        .containsValue(ProcessedRequests.hash(longName));
    assertThat(ProcessedRequests.hash(longName)).hasSize(12).matches("[0-9a-f]{12}");

    // Past the bound, the oldest names are forgotten first.
    for (int i = 0; i < ProcessedRequests.MAX_NAMES + 10; i++) {
      ProcessedRequests.remember(status, "n-" + i, LAST_MS.plus(Duration.ofMinutes(i)));
    }
    assertThat(ProcessedRequests.size(status)).isEqualTo(ProcessedRequests.MAX_NAMES);
    Instant later = LAST_MS.plus(Duration.ofDays(5));
    assertThat(ProcessedRequests.contains(status, longName, DAYS_30, later)).isFalse();
    assertThat(ProcessedRequests.contains(status, "n-9", DAYS_30, later)).isFalse();
    assertThat(ProcessedRequests.contains(status, "n-10", DAYS_30, later)).isTrue();
    assertThat(
            ProcessedRequests.contains(
                status, "n-" + (ProcessedRequests.MAX_NAMES + 9), DAYS_30, later))
        .isTrue();
  }

  /**
   * A request deleted and re-created (new uid) is AlreadyProcessed whatever its first verdict, both
   * while that verdict is in the history and after it has been trimmed away.
   */
  @ParameterizedTest
  @CsvSource({
    "Succeeded, true", "Succeeded, false",
    "Failed, true", "Failed, false",
    "Rejected, true", "Rejected, false"
  })
  void aReplayIsRefusedWhateverTheFirstVerdict(RequestPhase first, boolean stillInHistory) {
    IoTHub hub = hub();
    Instant decided = LAST_MS;
    OperationRecord original = new OperationRecord();
    original.setRequestName("fo-1");
    original.setRequestUid("uid-first");
    original.setType(OperationType.Failover);
    original.setResult(first);
    // Old enough to leave the quota window: only the guard can stop a replay then.
    original.setCompletedAt(Timestamps.format(decided));
    OperationHistory.append(hub.getStatus(), original, decided);
    Instant now = decided.plus(DAYS_30);
    if (!stillInHistory) {
      OperationRecord other = new OperationRecord();
      other.setRequestName("later");
      other.setRequestUid("uid-later");
      other.setResult(RequestPhase.Rejected);
      other.setCompletedAt(Timestamps.format(now));
      OperationHistory.append(hub.getStatus(), other, now);
      OperationHistory.prune(hub.getStatus(), 1, Set.of(), policy, now);
      assertThat(hub.getStatus().getHistory())
          .extracting(OperationRecord::getRequestName)
          .containsExactly("later");
    }

    var guarded = new java.util.TreeMap<>(hub.getStatus().getProcessedRequests());
    RequestIntake.Intake intake =
        new RequestIntake(policy, 20)
            .decide(hub, hub.getStatus(), locations(), List.of(request("fo-1", "uid-again")), now);

    assertThat(intake.accepted()).isNull();
    assertThat(intake.refused())
        .singleElement()
        .extracting(OperationRecord::getReason)
        .isEqualTo("AlreadyProcessed");
    assertThat(intake.refused().get(0).getMessage())
        .startsWith(
            "A request named fo-1 was already processed for this hub (names are remembered"
                + " for 30 days)");

    // One millisecond past the guard, the same name is a new request (the refusal of the replay
    // above renewed the name; this hub has only the first verdict's).
    IoTHub later = hub();
    later.getStatus().setProcessedRequests(guarded);
    Instant past = decided.plus(DAYS_30).plusMillis(1);
    RequestIntake.Intake fresh =
        new RequestIntake(policy, 20)
            .decide(later, later.getStatus(), locations(), List.of(request("fo-1", "u3")), past);
    assertThat(fresh.refused()).extracting(OperationRecord::getMessage).isEmpty();
    assertThat(fresh.accepted()).isNotNull();
  }

  @Test
  void noRequestIsTakenWhileTheHistoryIsFullOfUncopiedVerdicts() {
    IoTHub hub = hub();
    List<FailoverRequest> requests = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      requests.add(request("typo-" + i, "uid-" + i));
      requests.get(i).getSpec().setConfirmHubName("hbu");
    }
    RequestIntake intake = new RequestIntake(policy, 2);
    assertThat(intake.decide(hub, hub.getStatus(), locations(), requests, LAST_MS).refused())
        .hasSize(2);
    // Nothing copied yet: nothing more is taken, and nothing is trimmed.
    assertThat(intake.decide(hub, hub.getStatus(), locations(), requests, LAST_MS).refused())
        .isEmpty();
    OperationHistory.prune(hub.getStatus(), 2, RequestIntake.openUids(requests), policy, LAST_MS);
    assertThat(hub.getStatus().getHistory()).hasSize(2);
    // typo-0 copied its verdict: one more is taken.
    requests.get(0).getStatus().setPhase(RequestPhase.Rejected);
    OperationHistory.prune(hub.getStatus(), 2, RequestIntake.openUids(requests), policy, LAST_MS);
    assertThat(intake.decide(hub, hub.getStatus(), locations(), requests, LAST_MS).refused())
        .extracting(OperationRecord::getRequestName)
        .containsExactly("typo-2");
  }

  private static FailoverRequest request(String name, String uid) {
    FailoverRequest r = new FailoverRequest();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("ns")
            .withUid(uid)
            .withCreationTimestamp("2026-11-26T00:00:00Z")
            .build());
    FailoverRequestSpec spec = new FailoverRequestSpec();
    spec.setHubName("hub");
    spec.setConfirmHubName("hub");
    r.setSpec(spec);
    FailoverRequestStatus status = new FailoverRequestStatus();
    status.setPhase(RequestPhase.Pending);
    r.setStatus(status);
    return r;
  }

  private static HubLocations locations() {
    IoTHub hub = hub();
    hub.setSpec(new dev.iothub.api.v1alpha1.IoTHubSpec());
    hub.getSpec().setLocation("westus2");
    return HubLocations.resolve(hub, RegionCatalog.azureDefaults()).locations();
  }

  private static IoTHub hub() {
    IoTHub hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder().withName("hub").withNamespace("ns").withGeneration(1L).build());
    IoTHubStatus status = new IoTHubStatus();
    status.setState(HubState.Active);
    LocationRef west = new LocationRef("westus2", "West US 2");
    status.setPrimaryLocation(west);
    status.setCurrentLocation(west);
    status.setFailoverLocation(new LocationRef("westcentralus", "West Central US"));
    Conditions.set(status.getConditions(), "Ready", true, "BrokerAvailable", "ok", 1L, LAST_MS);
    hub.setStatus(status);
    return hub;
  }
}
