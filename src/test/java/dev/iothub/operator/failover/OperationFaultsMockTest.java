package dev.iothub.operator.failover;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.StepTiming;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.objects.SecretMetadata;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.Conditions;
import dev.iothub.testing.ApiFaults;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * API errors injected into each step of a failover (the API server answers the step's own requests
 * with 403, 409, 422, 500 or 504): a step that fails a few times is retried and the operation
 * succeeds exactly once; a step that keeps failing ends the operation Failed at its deadline,
 * naming the step and the error, and rolls it back: the source serves, its fence is lifted, the
 * quota is not charged.
 */
class OperationFaultsMockTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String SOURCE = "iothub-westus2";
  private static final String TARGET = "iothub-westcentralus";
  private static final int[] EVERY_CODE = {403, 409, 422, 500, 504};

  private final ApiFaults faults = new ApiFaults();
  private OperatorHarness h;
  private HubFixtures f;
  private Region westus2;
  private RegistryStore registry;

  @BeforeEach
  void start() {
    FailoverPolicy azure = FailoverPolicy.azureDefaults();
    OperatorSettings settings =
        OperatorHarness.testSettings()
            // Short backoff: five errors in a row cost 1.5 s, not 3.4 s.
            .withRetry(Duration.ofMillis(100), Duration.ofMillis(400))
            .withFailover(
                new FailoverPolicy(
                    azure.maxFailoversPerWindow(),
                    azure.maxFailbacksPerWindow(),
                    azure.quotaWindow(),
                    azure.minInterval(),
                    DEADLINE));
    h = OperatorHarness.start(settings, faults);
    h.createNamespaces(NS, SOURCE, TARGET);
    f = new HubFixtures(h);
    westus2 = h.settings().regions().find("westus2").orElseThrow();
    registry = new RegistryStore(h.client());
  }

  @AfterEach
  void stop() {
    h.close();
  }

  // Completing asks nothing of the API server but the status write of every pass: the writers'
  // fence it opens lives in the operator.
  @ParameterizedTest
  @EnumSource(value = OperationStep.class, mode = EnumSource.Mode.EXCLUDE, names = "Completing")
  void aStepThatFailsWithEachErrorOnceIsRetriedAndTheOperationSucceedsOnce(OperationStep step) {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    ApiFaults.Rule rule = inject(step, hub, false);

    FailoverRequest request =
        f.request("flaky-" + step.name().toLowerCase(), "contoso-hub", "contoso-hub");
    FailoverRequest done = f.awaitPhase(request.getMetadata().getName(), RequestPhase.Succeeded);

    assertThat(rule.hits()).as("every injected error was answered").isEqualTo(EVERY_CODE.length);
    IoTHub after = f.awaitReady("contoso-hub");
    assertThat(after.getStatus().getHistory())
        .filteredOn(r -> r.getRequestUid().equals(done.getMetadata().getUid()))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getSteps())
                    .extracting(StepTiming::getStep)
                    .containsExactly(
                        OperationStep.MigratingRegistry,
                        OperationStep.ActivatingTarget,
                        OperationStep.SwitchingEndpoint,
                        OperationStep.DeactivatingSource));
    assertThat(after.getStatus().getHistory()).hasSize(1);
    assertThat(after.getStatus().getQuota().getFailoversRemaining()).isEqualTo(1);
    assertThat(after.getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");
    assertThat(f.replicas(TARGET)).isEqualTo(2);
    assertThat(f.replicas(SOURCE)).isZero();
    // Each distinct error was one Warning Event of the step, none repeated.
    assertThat(retryEvents())
        .hasSize(EVERY_CODE.length)
        .allSatisfy(e -> assertThat(e.getMessage()).startsWith("Step " + step + " failed"));
    assertNoFence();
  }

  @ParameterizedTest
  @EnumSource(value = OperationStep.class, mode = EnumSource.Mode.EXCLUDE, names = "Completing")
  void aStepThatKeepsFailingEndsFailedAtItsDeadlineAndIsRolledBack(OperationStep step) {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    int code = EVERY_CODE[step.ordinal() % EVERY_CODE.length];
    inject(step, hub, true, code);
    String name = "stuck-" + step.name().toLowerCase();
    f.request(name, "contoso-hub", "contoso-hub");

    // While it retries, the hub and the request name the step and the API server's error.
    ActiveOperation retrying = awaitRetrying(step);
    assertThat(retrying.getLastError())
        .contains(String.valueOf(code))
        .contains(ApiFaults.messageOf(code));
    IoTHub during = h.hub(NS, "contoso-hub");
    assertThat(Conditions.find(during.getStatus().getConditions(), "OperationInProgress"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("StepRetrying"));
    assertThat(during.getStatus().getMessage())
        .contains("Step " + step + " failed")
        .contains(ApiFaults.messageOf(code));
    await()
        .atMost(HubFixtures.WAIT)
        .untilAsserted(
            () ->
                assertThat(f.get(name).getStatus().getMessage())
                    .contains(ApiFaults.messageOf(code)));

    h.clock().advance(DEADLINE.plusSeconds(1));

    FailoverRequest failed = f.awaitPhase(name, RequestPhase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo("StepDeadlineExceeded");
    assertThat(failed.getStatus().getMessage())
        .startsWith("Step " + step + " did not finish within 30 s. Last error (")
        .contains(ApiFaults.messageOf(code))
        .endsWith("The hub keeps running in West US 2.");
    IoTHub after = f.awaitReady("contoso-hub");
    assertThat(after.getStatus().getState().name()).isEqualTo("Active");
    assertThat(after.getStatus().getCurrentLocation().getId()).isEqualTo("westus2");
    assertThat(after.getStatus().getQuota().getFailoversRemaining()).isEqualTo(2);
    await()
        .atMost(HubFixtures.WAIT)
        .untilAsserted(
            () -> {
              assertThat(f.replicas(SOURCE)).isEqualTo(2);
              assertThat(f.replicas(TARGET)).isZero();
              assertThat(f.endpoint()).contains(SOURCE);
            });
    // One Warning Event for the error, however many times it was retried.
    assertThat(retryEvents()).hasSize(1);
    assertNoFence();
    // The fence is really gone: a device registers in the source.
    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> {
              Device d =
                  h.client().resources(Device.class).inNamespace(NS).withName("thermostat-1").get();
              return d.getStatus() != null && "Registered".equals(d.getStatus().getReason());
            });
    assertThat(registry.find(after, westus2, "thermostat-1")).isNotNull();
  }

  @Test
  void theVerdictAfterARestartStillNamesTheErrorTheStepRetried() {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    inject(OperationStep.ActivatingTarget, hub, true, 409);
    f.request("restarted", "contoso-hub", "contoso-hub");
    awaitRetrying(OperationStep.ActivatingTarget);
    h.stopOperator();
    // The new instance can scale the target up, but it never becomes available: the only error
    // it can name is the one the status kept.
    faults.clear();
    h.kubelet().breakNamespace(TARGET);
    h.clock().advance(DEADLINE.plusSeconds(1));

    h.startOperator();

    FailoverRequest failed = f.awaitPhase("restarted", RequestPhase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo("StepDeadlineExceeded");
    assertThat(failed.getStatus().getMessage())
        .startsWith("Step ActivatingTarget did not finish within 30 s. Last error (")
        .contains("409 Conflict", ApiFaults.messageOf(409));
  }

  @Test
  void anOlderReleasesFenceLeftOnTheShardsIsLiftedOnceTheApiServerLetsIt() {
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    // Shards marked the way a release before the in-operator fence marked them; then lifting
    // fails for a while.
    h.stopOperator();
    registry.write(hub, westus2, HubFixtures.devices(40, "meter-"), h.clock().instant());
    for (var s : registry.shardMetadata(hub, westus2).values()) {
      SecretMetadata.patch(
          h.client(),
          SOURCE,
          s.getMetadata().getName(),
          "{\"metadata\":{\"annotations\":{\"" + RegistryStore.FROZEN + "\":\"true\"}}}");
    }
    ApiFaults.Rule lift =
        faults.failAlways(
            "PATCH|DELETE",
            "/api/v1/namespaces/" + SOURCE + "/secrets/.*",
            b -> !b.contains("\"" + RegistryStore.FROZEN + "\":\"true\""),
            500);
    h.startOperator();
    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    await().atMost(HubFixtures.WAIT).until(() -> lift.hits() > 0);
    assertThat(registry.find(hub, westus2, "thermostat-1")).isNull();

    faults.clear();

    await().atMost(HubFixtures.WAIT).untilAsserted(this::assertNoFence);
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> {
              Device d =
                  h.client().resources(Device.class).inNamespace(NS).withName("thermostat-1").get();
              return d.getStatus() != null && "Registered".equals(d.getStatus().getReason());
            });
    assertThat(registry.find(hub, westus2, "thermostat-1")).isNotNull();
  }

  private ApiFaults.Rule inject(OperationStep step, IoTHub hub, boolean always, int... code) {
    Target t =
        switch (step) {
          // The migration lists the target's shards; nothing else does while an operation runs.
          case MigratingRegistry ->
              new Target(
                  "GET", "/api/v1/namespaces/" + TARGET + "/secrets\\?.*registry.*", b -> true);
          // Scaling the target's brokers up.
          case ActivatingTarget ->
              new Target(
                  "PUT|PATCH",
                  "/apis/apps/v1/namespaces/" + TARGET + "/deployments/.*",
                  b -> b.contains("\"replicas\":2"));
          case SwitchingEndpoint ->
              new Target(
                  "PUT|PATCH", "/api/v1/namespaces/" + NS + "/services/contoso-hub", b -> true);
          // Scaling the source's brokers down.
          case DeactivatingSource ->
              new Target(
                  "PUT|PATCH",
                  "/apis/apps/v1/namespaces/" + SOURCE + "/deployments/.*",
                  b -> b.contains("\"replicas\":0"));
          case Completing -> throw new IllegalArgumentException("Completing makes no request");
        };
    return always
        ? faults.failAlways(t.methods(), t.path(), t.body(), code[0])
        : faults.failTimes(t.methods(), t.path(), t.body(), EVERY_CODE);
  }

  private record Target(String methods, String path, Predicate<String> body) {}

  private ActiveOperation awaitRetrying(OperationStep step) {
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> {
              IoTHub hub = h.hub(NS, "contoso-hub");
              ActiveOperation op = hub.getStatus().getOperation();
              return op != null && op.getStep() == step && op.getLastError() != null;
            });
    return h.hub(NS, "contoso-hub").getStatus().getOperation();
  }

  private List<Event> retryEvents() {
    return h.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "FailoverStepRetrying".equals(e.getReason()))
        .toList();
  }

  private void assertNoFence() {
    assertThat(h.client().secrets().inNamespace(SOURCE).list().getItems())
        .noneMatch(RegistryStore::isFrozen);
    assertThat(h.client().secrets().inNamespace(TARGET).list().getItems())
        .noneMatch(RegistryStore::isFrozen);
  }
}
