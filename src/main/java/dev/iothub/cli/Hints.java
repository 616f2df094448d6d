package dev.iothub.cli;

import java.io.File;
import java.nio.file.Path;

/**
 * Absolute paths for the hints the command line and the main command print, so that a hint copied
 * from another directory still works: the project is where the bin/ launcher says it is ({@code
 * -Diothub.home}), else where the running quarkus-run.jar lies.
 */
public final class Hints {
  /** Set by bin/kubectl-iothub to the project directory. */
  public static final String HOME_PROPERTY = "iothub.home";

  static final String MAIN_JAR = "target/quarkus-app/quarkus-run.jar";

  private Hints() {}

  /** The README's main command's jar, absolute when the project directory is known. */
  public static String mainJar() {
    return projectPath(MAIN_JAR);
  }

  /** {@code relative} in the project directory, absolute when that directory is known. */
  public static String projectPath(String relative) {
    Path home = home();
    return home == null ? relative : home.resolve(relative).toString();
  }

  static Path home() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && !home.isBlank()) {
      return Path.of(home).toAbsolutePath().normalize();
    }
    // java -jar .../target/quarkus-app/quarkus-run.jar: the class path is that one jar.
    String classPath = System.getProperty("java.class.path", "");
    if (!classPath.contains(File.pathSeparator) && classPath.endsWith("quarkus-run.jar")) {
      Path jar = Path.of(classPath).toAbsolutePath().normalize();
      Path target = jar.getParent() == null ? null : jar.getParent().getParent();
      if (target != null && target.getParent() != null) {
        return target.getParent();
      }
    }
    return null;
  }
}
