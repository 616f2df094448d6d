package dev.iothub.cli;

import dev.iothub.operator.status.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Times as people read them next to the RFC 3339 ones: "in 59 min", "3 s". */
final class Times {
  private Times() {}

  /** When something happened, to the second (the operator writes up to nanoseconds). */
  static String happened(String rfc3339) {
    return rfc3339 == null
        ? null
        : Timestamps.format(Timestamps.parse(rfc3339).truncatedTo(ChronoUnit.SECONDS));
  }

  /** When something becomes allowed, to the second, rounded up: never before the real time. */
  static Instant allowedFrom(String rfc3339) {
    Instant t = Timestamps.parse(rfc3339);
    Instant seconds = t.truncatedTo(ChronoUnit.SECONDS);
    return seconds.equals(t) ? t : seconds.plusSeconds(1);
  }

  /** {@code 2026-11-26T08:28:03Z (in 60 min)}. */
  static String allowedAt(String rfc3339, Instant now) {
    Instant t = allowedFrom(rfc3339);
    return Timestamps.format(t) + " (" + relative(t, now) + ")";
  }

  /** "in 59 min", "2 min ago", "now". */
  static String relative(Instant when, Instant now) {
    Duration d = Duration.between(now, when);
    if (d.abs().compareTo(Duration.ofSeconds(1)) < 0) {
      return "now";
    }
    String amount = amount(d.abs());
    return d.isNegative() ? amount + " ago" : "in " + amount;
  }

  /** "850 ms", "12 s", "59 min", "3 h 5 min", "2 d 4 h". */
  static String amount(Duration d) {
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return d.toMillis() + " ms";
    }
    if (d.compareTo(Duration.ofMinutes(2)) < 0) {
      return d.toSeconds() + " s";
    }
    // Round up: "allowed in 59 min" must not be reached before the time it names.
    long minutes = (d.toSeconds() + 59) / 60;
    if (minutes < 120) {
      return minutes + " min";
    }
    long hours = minutes / 60;
    if (hours < 48) {
      return hours + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }
    return hours / 24 + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
  }
}
