package dev.iothub.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.operator.registry.RegistryMigration;
import dev.iothub.operator.status.ErrorText;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StepErrorsTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final Duration INITIAL = Duration.ofSeconds(5);
  private static final Duration MAX = Duration.ofMinutes(1);

  @Test
  void theBackoffDoublesWithEachErrorIsCappedAndNeverPassesTheDeadline() {
    ActiveOperation op = new ActiveOperation();
    Duration far = Duration.ofHours(1);
    long[] seconds = new long[6];
    for (int i = 0; i < seconds.length; i++) {
      StepErrors.record(op, new IllegalStateException("boom"), NOW);
      seconds[i] = StepErrors.backoff(op, INITIAL, MAX, far).toSeconds();
    }
    assertThat(seconds).containsExactly(5, 10, 20, 40, 60, 60);
    assertThat(StepErrors.backoff(op, INITIAL, MAX, Duration.ofSeconds(7)))
        .isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void onlyADifferentErrorIsNewsAndANewStepStartsClean() {
    ActiveOperation op = new ActiveOperation();
    assertThat(StepErrors.record(op, forbidden(), NOW)).isTrue();
    assertThat(StepErrors.record(op, forbidden(), NOW.plusSeconds(5))).isFalse();
    assertThat(op.getStepErrors()).isEqualTo(2);
    assertThat(op.getLastErrorAt()).isEqualTo("2026-12-03T10:00:05Z");
    assertThat(StepErrors.record(op, new RegistryMigration.RegistryMismatchException(3, "x"), NOW))
        .isTrue();
    assertThat(StepErrors.verdictSuffix(op))
        .isEqualTo(
            " Last error (2026-12-03T10:00:00Z): RegistryMismatchException: registry shard 3 in the"
                + " target region does not match the source: x.");

    StepErrors.clear(op);
    assertThat(op.getLastError()).isNull();
    assertThat(op.getStepErrors()).isNull();
    assertThat(StepErrors.verdictSuffix(op)).isEmpty();
  }

  @Test
  void anApiErrorReadsAsCodeReasonAndTheServersMessageNotTheRequest() {
    KubernetesClientException e = forbidden();
    assertThat(ErrorText.of(e))
        .isEqualTo(
            "KubernetesClientException 403 Forbidden: secrets \"registry-0\" is forbidden: exceeded"
                + " quota: q, requested: count/secrets=1, used: count/secrets=4, limited:"
                + " count/secrets=4");
    assertThat(ErrorText.of(e)).doesNotContain("c2VjcmV0").doesNotContain("https://");
  }

  @Test
  void aTimeoutNamesItsCauseAndEveryTextIsBoundedToOneLine() {
    KubernetesClientException timeout =
        new KubernetesClientException(
            "An error has occurred.", new SocketTimeoutException("timeout"));
    assertThat(ErrorText.of(timeout))
        .isEqualTo(
            "KubernetesClientException: An error has occurred. (caused by SocketTimeoutException:"
                + " timeout)");
    String text = ErrorText.of(new IllegalStateException("line\n".repeat(1000)));
    assertThat(text).hasSize(ErrorText.MAX).doesNotContain("\n").endsWith("…");
  }

  private static KubernetesClientException forbidden() {
    return new KubernetesClientException(
        new StatusBuilder()
            .withCode(403)
            .withReason("Forbidden")
            .withMessage(
                "secrets \"registry-0\" is forbidden: exceeded quota: q, requested:"
                    + " count/secrets=1, used: count/secrets=4, limited: count/secrets=4")
            .build());
  }
}
