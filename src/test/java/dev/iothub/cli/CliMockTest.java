package dev.iothub.cli;

import static dev.iothub.cli.CliRun.inOrder;
import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.Timestamps;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each command of the command line against the embedded API server with the operator running: what
 * it prints, its exit code, and what it leaves in the cluster.
 */
class CliMockTest {
  static final String HUB = "contoso-hub";
  static final int DEVICES = 300;
  private OperatorHarness h;
  private HubFixtures f;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    f = new HubFixtures(h);
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    Region westus2 = h.settings().regions().find("westus2").orElseThrow();
    new RegistryStore(h.client())
        .write(hub, westus2, HubFixtures.devices(DEVICES, "dev-"), h.clock().instant());
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> {
              IoTHub current = h.hub(NS, HUB);
              return current.getStatus().getRegistry() != null
                  && current.getStatus().getRegistry().getDevices() == DEVICES;
            });
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private CliRun.Result cli(String stdin, String... args) {
    return CliRun.run(ClusterConnector.shared(h.client()), h.clock(), stdin, args);
  }

  @Test
  void hubShowPrintsLocationsStateBannerDevicesAndQuota() {
    CliRun.Result r = cli("", "hub", "show", HUB, "-n", NS);

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.outLines())
        .containsSubsequence(
            "IoT hub:            contoso-hub (namespace manlfailrg)",
            "State:              Active",
            "Banner:             contoso-hub is running in West US 2.",
            "Current location:   West US 2 (westus2)",
            "Failover location:  West Central US (westcentralus)",
            "Primary location:   West US 2 (westus2)",
            "Host name:          contoso-hub.manlfailrg.svc.cluster.local",
            "Devices:            300",
            "Quota left:         2 failovers, 2 failbacks",
            "Next operation:     a failover, allowed now",
            "Ready:              True (BrokerAvailable): The broker in West US 2 is available.");
  }

  @Test
  void namespaceMayComeBeforeTheSubcommand() {
    CliRun.Result r = cli("", "--namespace", NS, "hub", "show", HUB);

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Current location:   West US 2 (westus2)");
  }

  @Test
  void failoverStartReadsTheTypedConfirmationAndFollowsTheRequestToSuccess() {
    CliRun.Result r = cli("contoso-hub\n", "failover", "start", HUB, "-n", NS);

    assertThat(r.code()).as(r.toString()).isZero();
    inOrder(
        r.out(),
        "Manual failover of IoT hub contoso-hub (namespace manlfailrg)",
        "  Current location:   West US 2",
        "  Failover location:  West Central US",
        "  The hub moves to West Central US with its 300 devices.",
        "Type the hub name to confirm the manual failover: contoso-hub\n",
        "Created FailoverRequest contoso-hub-failover-",
        "Manual failover in progress.",
        "step 1/5 MigratingRegistry",
        "[####################] 100%  done",
        "Manual failover is complete. contoso-hub is running in West Central US.");
    List<String> bar = r.progressLines();
    assertThat(bar.get(bar.size() - 1)).endsWith("300/300 devices");
    assertThat(bar.stream().map(CliMockTest::percent).toList()).isSorted();
    List<FailoverRequest> requests = requests();
    assertThat(requests).hasSize(1);
    FailoverRequest request = requests.get(0);
    assertThat(request.getMetadata().getName()).matches("contoso-hub-failover-[a-z0-9]{5}");
    assertThat(request.getSpec().getConfirmHubName()).isEqualTo(HUB);
    assertThat(request.getMetadata().getAnnotations())
        .containsEntry(FailoverCommand.CREATED_BY, "iothub-cli");
    assertThat(request.getStatus().getPhase()).isEqualTo(RequestPhase.Succeeded);
    assertThat(h.hub(NS, HUB).getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
  }

  @Test
  void aWrongTypedConfirmationCreatesNothing() {
    CliRun.Result r = cli("contoso-hbu\n", "failover", "start", HUB, "-n", NS);

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.WRONG_CONFIRMATION);
    assertThat(r.out()).contains("Type the hub name to confirm the manual failover: contoso-hbu");
    assertThat(r.err())
        .isEqualTo(
            "error: 'contoso-hbu' does not match the hub name 'contoso-hub': nothing was created."
                + " Type the hub's name exactly to confirm.\n");
    assertThat(requests()).isEmpty();
    assertThat(h.hub(NS, HUB).getStatus().getCurrentLocation().getId()).isEqualTo("westus2");
  }

  @Test
  void aClosedStandardInputCreatesNothing() {
    CliRun.Result r = cli("", "failover", "start", HUB, "-n", NS);

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.WRONG_CONFIRMATION);
    assertThat(r.err()).contains("No confirmation was typed").contains("--confirm contoso-hub");
    assertThat(requests()).isEmpty();
  }

  @Test
  void theConfirmOptionMustNameTheHub() {
    CliRun.Result r = cli("", "failover", "start", HUB, "-n", NS, "--confirm", "fabrikam-hub");

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.WRONG_CONFIRMATION);
    assertThat(r.out()).doesNotContain("Type the hub name");
    assertThat(r.err()).contains("'fabrikam-hub' does not match the hub name 'contoso-hub'");
    assertThat(requests()).isEmpty();
  }

  @Test
  void noWaitReturnsAtOnceAndStatusFollowsUp() {
    CliRun.Result r = cli("", "failover", "start", HUB, "-n", NS, "--confirm", HUB, "--no-wait");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .containsPattern(
            "Created FailoverRequest contoso-hub-failover-[a-z0-9]{5}\\. Follow it with: iothub"
                + " failover status contoso-hub -n manlfailrg");
    assertThat(r.progressLines()).isEmpty();
    assertThat(requests()).hasSize(1);

    f.awaitPhase(requests().get(0).getMetadata().getName(), RequestPhase.Succeeded);
    CliRun.Result status = cli("", "failover", "status", HUB, "-n", NS);
    assertThat(status.code()).as(status.toString()).isZero();
    assertThat(status.outLines())
        .containsSubsequence(
            "Request:            "
                + requests().get(0).getMetadata().getName()
                + " (namespace"
                + " manlfailrg)",
            "Hub:                contoso-hub",
            "Phase:              Succeeded",
            "Type:               Failover: West US 2 -> West Central US",
            "Progress:           [####################] 100%  done                          "
                + " 300/300 devices",
            "Message:            Manual failover is complete. contoso-hub is running in West"
                + " Central US.");
  }

  @Test
  void aFailbackBeforeTheHourIsOverIsRefusedWithTheTimeItBecomesAllowed() {
    assertThat(cli(HUB + "\n", "failover", "start", HUB, "-n", NS).code()).isZero();
    awaitQuotaUpdated();
    OperationRecord failover = h.hub(NS, HUB).getStatus().getHistory().get(0);
    Instant allowed =
        Timestamps.parse(failover.getCompletedAt())
            .plus(Duration.ofHours(1))
            .truncatedTo(ChronoUnit.SECONDS)
            .plusSeconds(1);

    CliRun.Result r = cli("", "failover", "start", HUB, "-n", NS, "--confirm", HUB);

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.REJECTED);
    assertThat(r.out())
        .contains("Manual failback of IoT hub contoso-hub")
        .contains(
            "  Note: the operator will refuse this request: a failback, allowed at "
                + Timestamps.format(allowed));
    assertThat(r.err())
        .startsWith(
            "Rejected (TooSoon): The previous operation on contoso-hub completed less than 1 hour"
                + " ago. The next operation is allowed at "
                + Timestamps.format(
                    Timestamps.parse(failover.getCompletedAt()).plus(Duration.ofHours(1)))
                + ".\n")
        .contains("Retry after: " + Timestamps.format(allowed) + " (in 60 min)");
    assertThat(r.progressLines()).noneMatch(l -> l.contains("step"));
    assertThat(h.hub(NS, HUB).getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");

    h.clock().advance(Duration.ofMinutes(61));
    CliRun.Result failback = cli(HUB + "\n", "failover", "start", HUB, "-n", NS);
    assertThat(failback.code()).as(failback.toString()).isZero();
    inOrder(
        failback.out(),
        "Type the hub name to confirm the manual failback: contoso-hub",
        "Manual failback in progress.",
        "Manual failback is complete. contoso-hub is running in West US 2.");
    assertThat(h.hub(NS, HUB).getStatus().getCurrentLocation().getId()).isEqualTo("westus2");
  }

  @Test
  void statusShowsTheLatestRequestAndHistoryEveryOperation() {
    CliRun.Result none = cli("", "failover", "status", HUB, "-n", NS);
    assertThat(none.code()).as(none.toString()).isZero();
    assertThat(none.out())
        .startsWith("There is no FailoverRequest for contoso-hub in namespace manlfailrg.");
    CliRun.Result empty = cli("", "failover", "history", HUB, "-n", NS);
    assertThat(empty.out())
        .isEqualTo("No failover or failback has been requested for contoso-hub yet.\n");

    assertThat(cli(HUB + "\n", "failover", "start", HUB, "-n", NS).code()).isZero();
    assertThat(cli("", "failover", "start", HUB, "-n", NS, "--confirm", HUB).code())
        .isEqualTo(ExitCodes.REJECTED);
    List<OperationRecord> history = h.hub(NS, HUB).getStatus().getHistory();

    CliRun.Result status = cli("", "failover", "status", HUB, "-n", NS);
    assertThat(status.code()).as(status.toString()).isZero();
    assertThat(status.outLines())
        .containsSubsequence(
            "Request:            " + history.get(1).getRequestName() + " (namespace manlfailrg)",
            "Phase:              Rejected",
            "Type:               Failback: West Central US -> West US 2",
            "Reason:             TooSoon",
            "Message:            The previous operation on contoso-hub completed less than 1"
                + " hour ago. The next operation is allowed at "
                + history.get(1).getRetryAfter()
                + ".");
    assertThat(status.out()).containsPattern("Retry after: +\\S+Z \\(in 60 min\\)");

    CliRun.Result table = cli("", "failover", "history", HUB, "-n", NS);
    assertThat(table.code()).as(table.toString()).isZero();
    List<String> lines = table.outLines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).split(" +"))
        .containsExactly(
            "COMPLETED", "REQUEST", "TYPE", "RESULT", "FROM", "TO", "DEVICES", "TOOK", "REASON");
    assertThat(lines.get(1))
        .startsWith(
            Timestamps.format(
                Timestamps.parse(history.get(0).getCompletedAt()).truncatedTo(ChronoUnit.SECONDS)))
        .contains(history.get(0).getRequestName())
        // "812 ms", or "1 s" on a loaded machine.
        .containsPattern("Failover +Succeeded +West US 2 +West Central US +300 +\\d+ m?s +-$");
    assertThat(lines.get(2))
        .contains(history.get(1).getRequestName())
        .containsPattern("Failback +Rejected +- +- +- +- +TooSoon$");

    CliRun.Result wide = cli("", "failover", "history", HUB, "-n", NS, "--wide");
    assertThat(wide.outLines().get(0)).containsPattern("REASON +MESSAGE$");
    assertThat(wide.outLines().get(2)).endsWith(history.get(1).getMessage());
  }

  @Test
  void anUnknownHubIsNamedWithTheHubsThatExist() {
    CliRun.Result r = cli("", "hub", "show", "fabrikam-hub", "-n", NS);
    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.HUB_NOT_FOUND);
    assertThat(r.err())
        .isEqualTo(
            "error: There is no IoTHub named fabrikam-hub in namespace manlfailrg. IoTHubs in"
                + " manlfailrg: contoso-hub.\n");

    CliRun.Result elsewhere = cli("", "hub", "show", HUB, "-n", "default");
    assertThat(elsewhere.code()).isEqualTo(ExitCodes.HUB_NOT_FOUND);
    assertThat(elsewhere.err())
        .contains("An IoTHub named contoso-hub exists in namespace manlfailrg: add -n manlfailrg.");

    for (String command : List.of("status", "history")) {
      assertThat(cli("", "failover", command, "fabrikam-hub", "-n", NS).code())
          .isEqualTo(ExitCodes.HUB_NOT_FOUND);
    }
    CliRun.Result start =
        cli("", "failover", "start", "fabrikam-hub", "-n", NS, "--confirm", "fabrikam-hub");
    assertThat(start.code()).isEqualTo(ExitCodes.HUB_NOT_FOUND);
    assertThat(requests()).isEmpty();
  }

  @Test
  void usageErrors() {
    CliRun.Result missing = cli("", "failover", "start");
    assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("Missing required parameter: 'HUB'");

    assertThat(cli("", "hub", "show", HUB, "--colour").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli("", "failover", "start", HUB, "--timeout", "soon").err())
        .contains("'soon' is not a duration");

    CliRun.Result bare = cli("");
    assertThat(bare.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bare.err()).contains("Usage: iothub").contains("failover").contains("Exit codes:");

    CliRun.Result help = cli("", "failover", "start", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: iothub failover start").contains("--no-wait");
    assertThat(requests()).isEmpty();
  }

  private List<FailoverRequest> requests() {
    return h.client().resources(FailoverRequest.class).inNamespace(NS).list().getItems();
  }

  private static int percent(String progressLine) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^  \\[[#.]{20}\\] +(\\d+)%").matcher(progressLine);
    assertThat(m.find()).as(progressLine).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** The hub's status once the write after the operation's completion (fresh quota) is in. */
  private void awaitQuotaUpdated() {
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> h.hub(NS, HUB).getStatus().getQuota().getNextOperationAllowedAt() != null);
  }
}
