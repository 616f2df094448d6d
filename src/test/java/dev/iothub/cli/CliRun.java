package dev.iothub.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the command line in-process, as a non-interactive terminal, and keeps what it printed. */
final class CliRun {
  private CliRun() {}

  record Result(int code, String out, String err) {
    List<String> outLines() {
      return Arrays.asList(out.split("\n"));
    }

    /** The progress bar's lines, in the order they were drawn. */
    List<String> progressLines() {
      return outLines().stream().filter(l -> l.startsWith("  [")).toList();
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  static Result run(ClusterConnector connector, Clock clock, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Terminal terminal =
        new Terminal(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false);
    int code = new IoTHubCli(connector, terminal, clock, "iothub").execute(args);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Asserts that {@code text} holds each fragment, in this order, and returns the positions. */
  static List<Integer> inOrder(String text, String... fragments) {
    List<Integer> positions = new ArrayList<>();
    int from = 0;
    for (String fragment : fragments) {
      int at = text.indexOf(fragment, from);
      if (at < 0) {
        throw new AssertionError(
            "expected, after position "
                + from
                + ": "
                + fragment
                + (text.indexOf(fragment) >= 0 ? " (it comes earlier)" : " (it is missing)")
                + "\n--- in:\n"
                + text);
      }
      positions.add(at);
      from = at + fragment.length();
    }
    return positions;
  }
}
