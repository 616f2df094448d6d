package dev.iothub.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.RequestReason;
import dev.iothub.operator.broker.MqttProbe;
import dev.iothub.operator.region.Region;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeadlineVerdictTest {
  private static final Region TARGET =
      new Region("westcentralus", "West Central US", Optional.of("westus2"), "iothub-wcus");
  private static final Region SOURCE =
      new Region("westus2", "West US 2", Optional.of("westcentralus"), "iothub-wus2");
  private static final Duration DEADLINE = Duration.ofMinutes(5);

  private static ActiveOperation at(OperationStep step, String lastError) {
    ActiveOperation op = new ActiveOperation();
    op.setStep(step);
    op.setLastError(lastError);
    op.setLastErrorAt(lastError == null ? null : "2026-12-03T10:15:02Z");
    return op;
  }

  @Test
  void aTargetThatNeverBecameAvailableSaysSo() {
    DeadlineVerdict v =
        DeadlineVerdict.of(
            at(OperationStep.ActivatingTarget, null), SOURCE, TARGET, null, DEADLINE);
    assertThat(v.reason()).isEqualTo(RequestReason.TargetNotAvailable);
    assertThat(v.message())
        .isEqualTo("The broker in West Central US did not become available within 300 s.");
  }

  @Test
  void aFailedProbeNamesItsOutcome() {
    MqttProbe.Result probe =
        new MqttProbe.Result(MqttProbe.Outcome.NOT_AUTHORIZED, "bad credentials", Duration.ZERO);
    DeadlineVerdict v =
        DeadlineVerdict.of(
            at(OperationStep.ActivatingTarget, null), SOURCE, TARGET, probe, DEADLINE);
    assertThat(v.reason()).isEqualTo(RequestReason.ProbeFailed);
    assertThat(v.message())
        .isEqualTo(
            "The MQTT probe of the broker in West Central US failed (NotAuthorized): bad"
                + " credentials.");
  }

  @Test
  void anErrorThatKeptRecurringNamesTheStepAndTheError() {
    for (OperationStep step :
        new OperationStep[] {OperationStep.MigratingRegistry, OperationStep.ActivatingTarget}) {
      DeadlineVerdict v =
          DeadlineVerdict.of(
              at(step, "KubernetesClientException 403 Forbidden: exceeded quota"),
              SOURCE,
              TARGET,
              null,
              DEADLINE);
      assertThat(v.reason()).isEqualTo(RequestReason.StepDeadlineExceeded);
      assertThat(v.message())
          .isEqualTo(
              "Step "
                  + step
                  + " did not finish within 300 s. Last error (2026-12-03T10:15:02Z):"
                  + " KubernetesClientException 403 Forbidden: exceeded quota.");
    }
  }

  @Test
  void aSourceInAnotherClusterThatNeverHandedOverSaysSo() {
    Region remote =
        new Region(
            "westus2",
            "West US 2",
            Optional.of("westcentralus"),
            "iothub-wus2",
            Optional.of(dev.iothub.operator.region.ClusterRef.secret("west-kubeconfig")));
    DeadlineVerdict v =
        DeadlineVerdict.of(
            at(OperationStep.MigratingRegistry, null), remote, TARGET, null, DEADLINE);
    assertThat(v.reason()).isEqualTo(RequestReason.SourceDidNotHandOver);
    assertThat(v.message())
        .isEqualTo(
            "The cluster of West US 2 answers, but did not hand the hub over within 300 s: its"
                + " operator is down or behind (look at it there). Nothing was promoted.");
  }
}
