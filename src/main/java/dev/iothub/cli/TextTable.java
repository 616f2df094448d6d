package dev.iothub.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A table with a header row and left-aligned columns, as kubectl prints them. */
final class TextTable {
  private final List<String[]> rows = new ArrayList<>();

  TextTable(String... header) {
    rows.add(header);
  }

  TextTable row(String... cells) {
    rows.add(cells);
    return this;
  }

  void print(PrintStream out) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], cell(row, i).length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String c = cell(row, i);
        line.append(c);
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - c.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private static String cell(String[] row, int i) {
    return i < row.length && row[i] != null && !row[i].isEmpty() ? row[i] : "-";
  }
}
