package dev.iothub.playground;

import dev.iothub.embedded.SimulatedKubelet;
import dev.iothub.operator.config.AdjustableClock;
import dev.iothub.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import java.time.Clock;

/**
 * The operator (the Quarkus application's own beans) running while the tutorial plays, with the
 * SIMULATED kubelet that brings the broker Deployments up: as local mosquitto processes when
 * mosquitto is installed.
 */
public class PlaygroundApplication implements QuarkusApplication {
  @Inject KubernetesClient client;
  @Inject Operator operator;
  @Inject Clock clock;
  @Inject OperatorSettings settings;

  @Override
  public int run(String... args) {
    AdjustableClock adjustable = clock instanceof AdjustableClock a ? a : null;
    LocalBrokers brokers = LocalBrokers.detect(client);
    try (SimulatedKubelet kubelet = new SimulatedKubelet(client).start()) {
      brokers.local().ifPresent(kubelet::runPods);
      operator.start();
      try {
        return new Tutorial(client, settings.regions(), clock, adjustable, System.out, brokers)
            .run();
      } finally {
        operator.stop();
      }
    }
  }
}
