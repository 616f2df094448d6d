package dev.iothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hints' paths: absolute when the launcher names the project, relative only as a last resort.
 */
class HintsTest {
  private final String before = System.getProperty(Hints.HOME_PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(Hints.HOME_PROPERTY);
    } else {
      System.setProperty(Hints.HOME_PROPERTY, before);
    }
  }

  @Test
  void theLauncherNamesTheProject() {
    System.setProperty(Hints.HOME_PROPERTY, "/opt/iothub-operator/bin/..");

    assertThat(Hints.mainJar())
        .isEqualTo("/opt/iothub-operator/target/quarkus-app/quarkus-run.jar");
    assertThat(Hints.projectPath("crds")).isEqualTo("/opt/iothub-operator/crds");
  }

  @Test
  void aRelativeHomeIsMadeAbsolute() {
    System.setProperty(Hints.HOME_PROPERTY, "checkout");

    assertThat(Path.of(Hints.mainJar()).isAbsolute()).isTrue();
    assertThat(Hints.mainJar()).endsWith("/checkout/target/quarkus-app/quarkus-run.jar");
  }

  @Test
  void withoutEitherTheHintIsRelativeToTheProject() {
    System.clearProperty(Hints.HOME_PROPERTY);

    // Surefire's class path is not one quarkus-run.jar.
    assertThat(Hints.mainJar()).isEqualTo("target/quarkus-app/quarkus-run.jar");
  }
}
