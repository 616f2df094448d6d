package dev.iothub.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the project's packaging files, found from the directory the tests run in. */
final class Project {
  static final Path DIR = locate();
  static final Path CHART = DIR.resolve("helm/iothub-operator");

  private Project() {}

  private static Path locate() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("helm"))) {
        return d;
      }
    }
    throw new IllegalStateException("no project directory (pom.xml beside helm/) above " + dir);
  }

  static Path path(String relative) {
    return DIR.resolve(relative);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(String relative) {
    return read(path(relative));
  }
}
