package dev.iothub.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Rows of a benchmark's Markdown table: median, min and max of one measure over the runs. */
final class Medians {
  private Medians() {}

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.size() % 2 == 1
        ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
  }

  static void header() {
    System.out.println("| measure | median | min | max |");
    System.out.println("|---|---|---|---|");
  }

  static void row(String name, List<Long> values) {
    System.out.printf(
        "| %s | %,d | %,d | %,d |%n",
        name, median(values), Collections.min(values), Collections.max(values));
  }
}
