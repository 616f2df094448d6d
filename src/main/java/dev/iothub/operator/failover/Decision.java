package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.RequestReason;
import java.time.Instant;

/**
 * The outcome of checking a request against the rules: allowed, or refused with a CamelCase reason,
 * a sentence a person can act on, and, where waiting helps, when it will be allowed.
 */
public record Decision(boolean allowed, String reason, String message, Instant retryAfter) {
  public static Decision allow() {
    return new Decision(true, null, null, null);
  }

  public static Decision refuse(RequestReason reason, String message) {
    return new Decision(false, reason.name(), message, null);
  }

  public static Decision refuse(RequestReason reason, String message, Instant retryAfter) {
    return new Decision(false, reason.name(), message, retryAfter);
  }
}
