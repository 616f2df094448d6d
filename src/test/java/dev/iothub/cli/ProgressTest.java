package dev.iothub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestStatus;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The progress bar, and the durations and times people read and type. */
class ProgressTest {
  private static Progress running(OperationStep step, Long migrated, Long total) {
    return new Progress(RequestPhase.Running, OperationType.Failover, step, migrated, total);
  }

  @Test
  void barMovesWithTheStepsAndTheMigration() {
    assertThat(running(OperationStep.MigratingRegistry, 0L, 1000L).line())
        .isEqualTo("[....................]   0%  step 1/5 MigratingRegistry     0/1000 devices");
    assertThat(running(OperationStep.MigratingRegistry, 500L, 1000L).percent()).isEqualTo(10);
    assertThat(running(OperationStep.ActivatingTarget, 1000L, 1000L).line())
        .isEqualTo("[####................]  20%  step 2/5 ActivatingTarget      1000/1000 devices");
    assertThat(running(OperationStep.Completing, 1000L, 1000L).percent()).isEqualTo(80);
    assertThat(
            new Progress(RequestPhase.Succeeded, OperationType.Failover, null, 1000L, 1000L).line())
        .isEqualTo("[####################] 100%  done                           1000/1000 devices");
    assertThat(new Progress(RequestPhase.Pending, null, null, null, null).line())
        .isEqualTo("[....................]   0%  waiting for the operator to take the request");
    assertThat(running(OperationStep.MigratingRegistry, 0L, null).devices())
        .isEqualTo("0/? devices");
  }

  @Test
  void neverGoesBack() {
    Progress activating = running(OperationStep.ActivatingTarget, 10L, 10L);
    assertThat(activating.isAfter(null)).isTrue();
    assertThat(running(OperationStep.MigratingRegistry, 0L, 10L).isAfter(activating)).isFalse();
    assertThat(running(OperationStep.SwitchingEndpoint, 10L, 10L).isAfter(activating)).isTrue();
    assertThat(running(OperationStep.ActivatingTarget, 10L, 10L).isAfter(activating)).isFalse();
    // The request's status may not know the total the hub's operation gave: not news.
    Progress migrating = running(OperationStep.MigratingRegistry, 0L, 500L);
    assertThat(running(OperationStep.MigratingRegistry, 0L, null).isAfter(migrating)).isFalse();
    assertThat(running(OperationStep.MigratingRegistry, 250L, 500L).isAfter(migrating)).isTrue();
    assertThat(running(OperationStep.MigratingRegistry, 0L, 502L).isAfter(migrating)).isTrue();
    assertThat(new Progress(RequestPhase.Pending, null, null, null, null).isAfter(activating))
        .isFalse();
    assertThat(
            new Progress(RequestPhase.Succeeded, OperationType.Failover, null, 10L, 10L)
                .isAfter(activating))
        .isTrue();
  }

  @Test
  void theHubsOperationWinsOverTheRequestWhenItIsThisRequests() {
    FailoverRequest request = new FailoverRequest();
    request.setMetadata(new ObjectMetaBuilder().withName("r").withUid("uid-1").build());
    FailoverRequestStatus rs = new FailoverRequestStatus();
    rs.setPhase(RequestPhase.Running);
    rs.setStep(OperationStep.MigratingRegistry);
    request.setStatus(rs);
    IoTHub hub = new IoTHub();
    IoTHubStatus hs = new IoTHubStatus();
    ActiveOperation op = new ActiveOperation();
    op.setRequestUid("uid-1");
    op.setType(OperationType.Failback);
    op.setStep(OperationStep.SwitchingEndpoint);
    op.setDevicesMigrated(0L);
    hs.setOperation(op);
    RegistryStatus registry = new RegistryStatus();
    registry.setDevices(42L);
    hs.setRegistry(registry);
    hub.setStatus(hs);

    Progress p = Progress.of(request, hub);
    assertThat(p.step()).isEqualTo(OperationStep.SwitchingEndpoint);
    assertThat(p.total()).isEqualTo(42L);

    op.setRequestUid("someone-else");
    assertThat(Progress.of(request, hub).step()).isEqualTo(OperationStep.MigratingRegistry);

    rs.setPhase(RequestPhase.Rejected);
    assertThat(Progress.of(request, hub).phase()).isEqualTo(RequestPhase.Rejected);
  }

  @Test
  void times() {
    Instant now = Instant.parse("2026-11-26T07:00:00Z");
    assertThat(Times.relative(now.plusSeconds(3599), now)).isEqualTo("in 60 min");
    assertThat(Times.relative(now.minusSeconds(30), now)).isEqualTo("30 s ago");
    assertThat(Times.relative(now, now)).isEqualTo("now");
    assertThat(Times.amount(Duration.ofMillis(604))).isEqualTo("604 ms");
    assertThat(Times.amount(Duration.ofMinutes(185))).isEqualTo("3 h 5 min");
    assertThat(Times.amount(Duration.ofHours(52))).isEqualTo("2 d 4 h");
    assertThat(Times.happened("2026-11-26T07:28:02.940663148Z")).isEqualTo("2026-11-26T07:28:02Z");
    assertThat(Times.allowedAt("2026-11-26T08:28:02.940663148Z", now))
        .isEqualTo("2026-11-26T08:28:03Z (in 89 min)");
    assertThat(Times.allowedAt("2026-11-26T08:00:00Z", now))
        .isEqualTo("2026-11-26T08:00:00Z (in 60 min)");
  }

  @Test
  void durations() {
    DurationConverter c = new DurationConverter();
    assertThat(c.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.convert("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(c.convert("PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> c.convert("soon")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> c.convert("5d")).isInstanceOf(TypeConversionException.class);
  }
}
