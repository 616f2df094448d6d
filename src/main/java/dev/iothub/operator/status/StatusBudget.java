package dev.iothub.operator.status;

/**
 * The size budget of a status that lives in its object (etcd's limit is about 1.5 MiB, and every
 * watcher receives the whole object on each change). A hub's status stays under {@link #MAX_BYTES}
 * by construction: bounded counts of entries (history limit, successes of a quota window, names of
 * the replay guard) times bounded fields (names by the API server, messages by {@link #bounded}).
 * StatusBudgetTest computes the worst case from these bounds.
 */
public final class StatusBudget {
  /** The most a hub's status may take, serialized as JSON. */
  public static final int MAX_BYTES = 256 * 1024;

  /** The most a message (a record's, a condition's, the banner) takes, serialized. */
  public static final int MAX_MESSAGE_BYTES = 512;

  /** Longest region id and display name the configuration may add (both land in statuses). */
  public static final int MAX_REGION_ID = 63;

  public static final int MAX_REGION_DISPLAY_NAME = 64;

  private static final String ELLIPSIS = "...";

  private StatusBudget() {}

  /**
   * The message cut to {@link #MAX_MESSAGE_BYTES} as it will be serialized (UTF-8, JSON escapes),
   * with control characters turned into spaces: a message is one sentence, and a control character
   * would take 6 bytes escaped.
   */
  public static String bounded(String message) {
    if (message == null) {
      return null;
    }
    boolean fits = serializedSize(message) <= MAX_MESSAGE_BYTES;
    int limit = fits ? MAX_MESSAGE_BYTES : MAX_MESSAGE_BYTES - ELLIPSIS.length();
    StringBuilder out = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < message.length(); ) {
      int cp = message.codePointAt(i);
      bytes += serializedSize(cp);
      if (bytes > limit) {
        break;
      }
      out.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp);
      i += Character.charCount(cp);
    }
    return fits ? out.toString() : out.append(ELLIPSIS).toString();
  }

  /** Bytes the text takes inside a JSON string, once control characters are spaces. */
  public static int serializedSize(String text) {
    return text.codePoints().map(StatusBudget::serializedSize).sum();
  }

  private static int serializedSize(int cp) {
    if (Character.isISOControl(cp) || cp < 0x80) {
      return cp == '"' || cp == '\\' ? 2 : 1;
    }
    return cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
}
