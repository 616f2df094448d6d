package dev.iothub.operator.status;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * An exception as one bounded line for a status or an Event: its type, the HTTP code and reason and
 * the API server's own message when it came from the API server, else the exception's message and
 * its root cause. The API server's messages name objects and quotas, never Secret data; the request
 * body (which may hold Secret data) is never part of it.
 */
public final class ErrorText {
  /** Longest text kept: a status field, not a log. */
  public static final int MAX = 512;

  private ErrorText() {}

  public static String of(Throwable e) {
    StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
    if (e instanceof KubernetesClientException k && k.getCode() > 0) {
      text.append(' ').append(k.getCode());
      Status status = k.getStatus();
      if (status != null && status.getReason() != null && !status.getReason().isBlank()) {
        text.append(' ').append(status.getReason());
      }
      String message = status == null ? null : status.getMessage();
      text.append(": ").append(message == null || message.isBlank() ? k.getMessage() : message);
    } else {
      text.append(": ").append(e.getMessage());
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      if (root != e) {
        text.append(" (caused by ")
            .append(root.getClass().getSimpleName())
            .append(": ")
            .append(root.getMessage())
            .append(')');
      }
    }
    return bounded(text.toString());
  }

  /** The HTTP code of an API server error, or 0. */
  public static int code(Throwable e) {
    return e instanceof KubernetesClientException k ? k.getCode() : 0;
  }

  public static String bounded(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= MAX ? oneLine : oneLine.substring(0, MAX - 1) + "…";
  }
}
