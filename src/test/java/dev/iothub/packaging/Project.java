package dev.iothub.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the project's packaging files, found from the directory the tests run in. */
public final class Project {
  public static final Path DIR = locate();
  public static final Path CHART = DIR.resolve("helm/iothub-operator");

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

  public static Path path(String relative) {
    return DIR.resolve(relative);
  }

  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String read(String relative) {
    return read(path(relative));
  }
}
