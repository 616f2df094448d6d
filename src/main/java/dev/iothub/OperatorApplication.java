package dev.iothub;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

/**
 * The operator as a long-running process. Quarkus Operator SDK starts the operator by itself only
 * when the application has no {@link QuarkusApplication} of its own; this one has two (this and the
 * playground), so each starts and stops it explicitly.
 */
public class OperatorApplication implements QuarkusApplication {
  @Inject Operator operator;

  @Override
  public int run(String... args) {
    operator.start();
    try {
      Quarkus.waitForExit();
    } finally {
      operator.stop();
    }
    return 0;
  }
}
