package dev.iothub.operator.status;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** RFC 3339 timestamps, as Kubernetes writes them in status fields. */
public final class Timestamps {
  private Timestamps() {}

  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }

  public static Instant parse(String text) {
    return Instant.parse(text);
  }
}
