package dev.iothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How CliDocsMockTest compares a sample of docs/cli.md with a real run: what it masks, what not.
 */
class CliDocsSamplesTest {
  private static final List<String> SAMPLE =
      List.of(
          "Created FailoverRequest contoso-hub-failover-dx7b2.",
          "  [....................]   0%  waiting for the operator to take the request",
          "  [....................]   0%  step 1/5 MigratingRegistry     0/500 devices",
          "  [########............]  40%  step 3/5 SwitchingEndpoint     500/500 devices",
          "  [####################] 100%  done                           500/500 devices",
          "Completed:          2026-11-26T07:29:21Z (took 306 ms)");

  @Test
  void timesNamesDurationsAndSpacingAreMasked() {
    String real =
        """
        Created FailoverRequest contoso-hub-failover-q5hl5.
          [....................]   0%  step 1/5 MigratingRegistry 0/500 devices
          [####################] 100%  done                           500/500 devices
        Completed:          2026-12-03T11:02:09.123Z (took 1 s)
        """;
    assertThat(CliDocsMockTest.compare(SAMPLE, real)).isNull();
  }

  @Test
  void aChangedWordOrCountIsADrift() {
    String real =
        """
        Created FailoverRequest contoso-hub-failover-q5hl5.
          [####################] 100%  done                           502/502 devices
        Completed:          2026-12-03T11:02:09Z (took 1 s)
        """;
    assertThat(CliDocsMockTest.compare(SAMPLE, real)).contains("progress");
    assertThat(
            CliDocsMockTest.compare(
                List.of("Devices:            500"), "Devices:            502\n"))
        .contains("Devices:            502");
    assertThat(CliDocsMockTest.compare(List.of("a"), "a\nb\n")).contains("goes on: b");
    assertThat(CliDocsMockTest.compare(List.of("a", "b"), "a\n")).contains("ends before: b");
  }

  @Test
  void theBarMustReachItsLastLineAndKeepItsOrder() {
    String noEnd =
        """
        Created FailoverRequest contoso-hub-failover-q5hl5.
          [....................]   0%  step 1/5 MigratingRegistry     0/500 devices
        Completed:          2026-12-03T11:02:09Z (took 1 s)
        """;
    assertThat(CliDocsMockTest.compare(SAMPLE, noEnd)).contains("does not end with");
    String backwards =
        """
        Created FailoverRequest contoso-hub-failover-q5hl5.
          [########............]  40%  step 3/5 SwitchingEndpoint     500/500 devices
          [....................]   0%  step 1/5 MigratingRegistry     0/500 devices
          [####################] 100%  done                           500/500 devices
        Completed:          2026-12-03T11:02:09Z (took 1 s)
        """;
    assertThat(CliDocsMockTest.compare(SAMPLE, backwards)).contains("is not drawn from");
  }

  @Test
  void anElisionSkipsToTheNextLine() {
    assertThat(CliDocsMockTest.compare(List.of("...", "c"), "a\nb\nc\n")).isNull();
    assertThat(CliDocsMockTest.compare(List.of("...", "c"), "a\nb\n")).isNotNull();
  }

  @Test
  void theCommandIsTakenAsTyped() {
    assertThat(
            CliDocsMockTest.arguments(
                "KUBECONFIG= kubectl iothub hub show contoso-hub -n manlfailrg   # no config"))
        .containsExactly("hub", "show", "contoso-hub", "-n", "manlfailrg");
    assertThat(CliDocsMockTest.arguments("iothub devices list contoso-hub --limit 3"))
        .containsExactly("devices", "list", "contoso-hub", "--limit", "3");
  }
}
