package dev.iothub.operator.status;

import dev.iothub.api.v1alpha1.IoTHub;

/**
 * Bounds the sentences the operator writes into statuses, conditions and Events: a message may
 * embed other text (an exception's message, a condition's message), so its length is fixed here
 * rather than trusted, and no status write can grow past what the API server stores.
 */
public final class Messages {
  /** Longest message written (the CRDs' maxLength); a sentence a person acts on is far shorter. */
  public static final int MAX_LENGTH = IoTHub.MAX_MESSAGE_LENGTH;

  private static final String CUT = "...";

  private Messages() {}

  /**
   * {@code text} unchanged when it fits, else its start and {@code ...}: never longer than the
   * bound.
   */
  public static String bounded(String text) {
    if (text == null || text.length() <= MAX_LENGTH) {
      return text;
    }
    int end = MAX_LENGTH - CUT.length();
    // Never split a surrogate pair: half a character is not valid UTF-8 on the wire.
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + CUT;
  }
}
