package dev.iothub.cli;

import java.io.PrintStream;

/**
 * Draws a request's progress: on a terminal one line that redraws in place, elsewhere one line per
 * change (a transcript a test or a log can read). Messages such as the hub's banner go on lines of
 * their own above the bar.
 */
final class ProgressPrinter {
  private final PrintStream out;
  private final boolean redraw;
  private Progress shown;
  private int drawnLength;

  ProgressPrinter(Terminal terminal) {
    this.out = terminal.out();
    this.redraw = terminal.interactive();
  }

  /** Shows the progress if it moved forward; returns whether it did. */
  boolean show(Progress progress) {
    if (!progress.isAfter(shown)) {
      return false;
    }
    shown = progress;
    String line = "  " + progress.line();
    if (redraw) {
      out.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
      drawnLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
    return true;
  }

  Progress shown() {
    return shown;
  }

  /** A line of text above the bar (on a terminal the bar is erased and drawn again below it). */
  void message(String text) {
    if (redraw && drawnLength > 0) {
      out.print("\r" + " ".repeat(drawnLength) + "\r");
    }
    out.println(text);
    if (redraw && shown != null) {
      String line = "  " + shown.line();
      out.print(line);
      drawnLength = line.length();
    }
    out.flush();
  }

  /** Ends the redrawn line, before other output follows. */
  void finish() {
    endLine();
    out.flush();
  }

  private void endLine() {
    if (redraw && drawnLength > 0) {
      out.println();
      drawnLength = 0;
    }
  }
}
