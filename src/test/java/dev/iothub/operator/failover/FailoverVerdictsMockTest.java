package dev.iothub.operator.failover;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A history of one entry and a burst of 50 requests: every request still gets exactly one verdict
 * (none trimmed before it is copied), one runs, none runs twice, and replays of names whose records
 * left the history long ago are refused by the replay guard.
 */
class FailoverVerdictsMockTest {
  private static final int BURST = 50;
  private static final Duration LONG_WAIT = Duration.ofSeconds(120);

  private OperatorHarness h;
  private HubFixtures f;
  // Every phase each request was seen in, in order (by name and uid: replays are new objects).
  private final Map<String, List<RequestPhase>> seen = new ConcurrentHashMap<>();
  private Watch watch;

  @BeforeEach
  void start() {
    h = OperatorHarness.start(OperatorHarness.testSettings().withHistoryLimit(1));
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    f = new HubFixtures(h);
    watch =
        h.client()
            .resources(FailoverRequest.class)
            .inNamespace(NS)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, FailoverRequest r) {
                    if (r.getStatus() != null && r.getStatus().getPhase() != null) {
                      seen.computeIfAbsent(
                              r.getMetadata().getName() + "/" + r.getMetadata().getUid(),
                              k -> new CopyOnWriteArrayList<>())
                          .add(r.getStatus().getPhase());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  @AfterEach
  void stop() {
    watch.close();
    h.close();
  }

  @Test
  void aBurstOverAHistoryOfOneKeepsEveryVerdictAndRunsOnce() {
    f.createReadyHub("fixtures/hub-westus2.yaml");
    h.stopOperator();
    List<String> names = IntStream.range(0, BURST).mapToObj(i -> "burst-" + i).toList();
    names.forEach(n -> f.request(n, "contoso-hub", "contoso-hub"));
    h.startOperator();

    await().atMost(LONG_WAIT).until(() -> names.stream().allMatch(this::terminal));

    List<FailoverRequest> requests = names.stream().map(f::get).toList();
    assertThat(requests)
        .filteredOn(r -> r.getStatus().getPhase() == RequestPhase.Succeeded)
        .hasSize(1);
    assertThat(requests)
        .filteredOn(r -> r.getStatus().getPhase() == RequestPhase.Rejected)
        .hasSize(BURST - 1)
        .allSatisfy(
            r -> assertThat(r.getStatus().getReason()).isIn("TooSoon", "OperationInProgress"));
    String winner =
        requests.stream()
            .filter(r -> r.getStatus().getPhase() == RequestPhase.Succeeded)
            .findFirst()
            .orElseThrow()
            .getMetadata()
            .getName();
    IoTHub hub = f.awaitReady("contoso-hub");
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
    assertThat(hub.getStatus().getHistory()).hasSizeLessThanOrEqualTo(2);
    assertThat(ProcessedRequests.size(hub.getStatus())).isEqualTo(BURST);
    assertThat(startedEvents()).isEqualTo(1);

    // Later passes of the hub change no verdict: the winner keeps Succeeded.
    h.clock().advance(Duration.ofHours(2));
    f.request("nudge", "contoso-hub", "confirm-typo");
    f.awaitPhase("nudge", RequestPhase.Rejected);
    assertThat(f.get(winner).getStatus().getPhase()).isEqualTo(RequestPhase.Succeeded);

    // Replays (Argo CD prune and re-create, kubectl delete + apply): the winner and two refused.
    List<String> replays = List.of(winner, pick(names, winner, 0), pick(names, winner, 1));
    hub = h.hub(NS, "contoso-hub");
    // The success stays in the history (it counts for the quota); the refusals left it.
    assertThat(hub.getStatus().getHistory())
        .anyMatch(r -> winner.equals(r.getRequestName()))
        .noneMatch(r -> replays.subList(1, 3).contains(r.getRequestName()));
    for (String name : replays) {
      h.client().resources(FailoverRequest.class).inNamespace(NS).withName(name).delete();
      await().atMost(HubFixtures.WAIT).until(() -> f.get(name) == null);
      f.request(name, "contoso-hub", "contoso-hub");
    }
    for (String name : replays) {
      FailoverRequest again = f.awaitPhase(name, RequestPhase.Rejected);
      assertThat(again.getStatus().getReason()).as(name).isEqualTo("AlreadyProcessed");
    }
    hub = f.awaitReady("contoso-hub");
    assertThat(hub.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
    assertThat(startedEvents()).isEqualTo(1);

    // Each request object went through its phases once: nothing after its final phase.
    assertThat(seen).hasSize(BURST + 1 + replays.size());
    seen.forEach(
        (request, phases) -> {
          int first = firstTerminal(phases);
          assertThat(first).as(request + " " + phases).isNotNegative();
          assertThat(phases.subList(first, phases.size()))
              .as(request + " " + phases)
              .containsOnly(phases.get(first));
        });
  }

  private boolean terminal(String name) {
    FailoverRequest r = f.get(name);
    return r.getStatus() != null
        && r.getStatus().getPhase() != null
        && r.getStatus().getPhase().isTerminal();
  }

  private static String pick(List<String> names, String winner, int index) {
    List<String> losers = new ArrayList<>(names);
    losers.remove(winner);
    return losers.get(index * 17 + 3);
  }

  private static int firstTerminal(List<RequestPhase> phases) {
    for (int i = 0; i < phases.size(); i++) {
      if (phases.get(i).isTerminal()) {
        return i;
      }
    }
    return -1;
  }

  private long startedEvents() {
    return h.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "FailoverStarted".equals(e.getReason()))
        .count();
  }
}
