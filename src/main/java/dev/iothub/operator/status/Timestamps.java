package dev.iothub.operator.status;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps, as Kubernetes writes them in status fields. */
public final class Timestamps {
  private Timestamps() {}

  /** Milliseconds at most: enough for step durations, and readable in messages. */
  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
  }

  public static Instant parse(String text) {
    return Instant.parse(text);
  }
}
