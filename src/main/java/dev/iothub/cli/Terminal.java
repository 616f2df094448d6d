package dev.iothub.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Where a command reads the typed confirmation and writes its output. On an interactive terminal
 * the progress bar redraws one line and the terminal echoes what is typed; otherwise (a pipe, a
 * test, the playground) each change of progress is a line of its own and the typed answer is echoed
 * after the prompt, so that the output reads as a transcript.
 */
public final class Terminal {
  private final BufferedReader in;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean interactive;

  public Terminal(InputStream in, PrintStream out, PrintStream err, boolean interactive) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.out = out;
    this.err = err;
    this.interactive = interactive;
  }

  /** Standard input and output; interactive when both are a terminal. */
  public static Terminal system() {
    return new Terminal(System.in, System.out, System.err, System.console() != null);
  }

  /** A transcript: non-interactive, reading {@code in}, writing both streams to {@code out}. */
  public static Terminal transcript(InputStream in, PrintStream out) {
    return new Terminal(in, out, out, false);
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  public boolean interactive() {
    return interactive;
  }

  /** Prints the prompt and reads one line; null when standard input is closed. */
  public String prompt(String text) {
    out.print(text);
    out.flush();
    String line;
    try {
      line = in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!interactive || line == null) {
      out.println(line == null ? "" : line);
    }
    return line;
  }
}
