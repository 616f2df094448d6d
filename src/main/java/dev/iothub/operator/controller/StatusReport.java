package dev.iothub.operator.controller;

import dev.iothub.operator.status.EventRecorder;
import dev.iothub.operator.status.StatusDiff;
import dev.iothub.operator.status.StatusWriter;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The end of a pass, the same for every kind the devices side reconciles: one status write, only
 * when the status differs from the cached one, and one Event per real transition; and the status an
 * exception ends in. The cached primary is never changed: the write goes through a copy.
 */
final class StatusReport {
  /** What a status says, for the Event: the transition key, its kind, reason and message. */
  record Outcome(String transition, boolean warning, String reason, String message) {}

  private StatusReport() {}

  /** Writes {@code status} when it differs, then records an Event when the outcome moved. */
  static <S, R extends CustomResource<?, S>> void publish(
      KubernetesClient client, Clock clock, R cached, S status, Function<S, Outcome> outcome) {
    String before =
        cached.getStatus() == null ? null : outcome.apply(cached.getStatus()).transition();
    R written = new StatusWriter(client).write(copy(cached), status);
    Outcome after = outcome.apply(status);
    if (!Objects.equals(before, after.transition())) {
      String type = after.warning() ? EventRecorder.WARNING : EventRecorder.NORMAL;
      new EventRecorder(client, clock).record(written, type, after.reason(), after.message());
    }
  }

  /**
   * Publishes the status, then: no change to the primary itself, look again after {@code retry}.
   */
  static <S, R extends CustomResource<?, S>> UpdateControl<R> publishThenLookAgain(
      Context<R> context,
      Clock clock,
      R cached,
      S status,
      Function<S, Outcome> outcome,
      Duration retry) {
    publish(context.getClient(), clock, cached, status, outcome);
    return lookAgainAfter(retry);
  }

  /** No change to the primary itself; look again after {@code retry} unless it is null. */
  static <R extends CustomResource<?, ?>> UpdateControl<R> lookAgainAfter(Duration retry) {
    return retry == null
        ? UpdateControl.noUpdate()
        : UpdateControl.<R>noUpdate().rescheduleAfter(retry.toMillis());
  }

  /**
   * The status an exception ends in, built by {@code failed} from a sentence about it (never a
   * secret: only the exception's kind and first line). A conflict is no failure: the pass runs
   * again on fresh data.
   */
  static <S, R extends CustomResource<?, S>> ErrorStatusUpdateControl<R> failed(
      R cached, Exception e, Function<String, S> failed) {
    if (e instanceof KubernetesClientException k
        && k.getCode() == HttpURLConnection.HTTP_CONFLICT) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    S status = failed.apply(describe(e));
    if (!StatusDiff.changed(cached.getStatus(), status)) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    R copy = copy(cached);
    copy.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(copy);
  }

  static String describe(Exception e) {
    Throwable cause = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
    String text =
        cause.getMessage() == null ? "" : cause.getMessage().lines().findFirst().orElse("");
    if (text.length() > 300) {
      text = text.substring(0, 300) + "...";
    }
    return "The operator failed ("
        + cause.getClass().getSimpleName()
        + (text.isEmpty() ? "" : ": " + text)
        + ") and tries again; if this stays, look at the operator's log.";
  }

  @SuppressWarnings("unchecked")
  private static <R extends CustomResource<?, ?>> R copy(R cached) {
    return StatusDiff.copy(cached, (Class<R>) cached.getClass());
  }
}
