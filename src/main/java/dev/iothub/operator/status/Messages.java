package dev.iothub.operator.status;

import dev.iothub.api.v1alpha1.IoTHub;

/**
 * Bounds the sentences the operator writes into statuses, conditions and Events: a message may
 * embed other text (an exception's message, a condition's message), so its length is fixed here
 * rather than trusted, and no status write can grow past what the API server stores ({@link
 * StatusBudget} counts on this bound).
 */
public final class Messages {
  /**
   * The most a message takes serialized (UTF-8, JSON escapes), so also at most this many
   * characters: the CRDs' maxLength. A sentence a person acts on is far shorter.
   */
  public static final int MAX_LENGTH = IoTHub.MAX_MESSAGE_LENGTH;

  private static final String CUT = "...";

  private Messages() {}

  /**
   * {@code text} with control characters turned into spaces (a message is one sentence, and a
   * control character would take 6 bytes escaped); when it does not fit, its start and {@code ...}.
   * Never splits a character.
   */
  public static String bounded(String text) {
    if (text == null) {
      return null;
    }
    boolean fits = serializedSize(text) <= MAX_LENGTH;
    if (fits && text.codePoints().noneMatch(Character::isISOControl)) {
      return text;
    }
    int limit = fits ? MAX_LENGTH : MAX_LENGTH - CUT.length();
    StringBuilder out = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      bytes += serializedSize(cp);
      if (bytes > limit) {
        break;
      }
      out.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp);
      i += Character.charCount(cp);
    }
    return fits ? out.toString() : out.append(CUT).toString();
  }

  /** Bytes the text takes inside a JSON string, once control characters are spaces. */
  public static int serializedSize(String text) {
    return text.codePoints().map(Messages::serializedSize).sum();
  }

  private static int serializedSize(int cp) {
    if (Character.isISOControl(cp) || cp < 0x80) {
      return cp == '"' || cp == '\\' ? 2 : 1;
    }
    return cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
}
