package dev.iothub.packaging;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.packaging.ArgoCdActions.Action;
import dev.iothub.packaging.ArgoCdActions.Outcome;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD actions drive a real failover: the operator runs on the embedded API server, the live
 * IoTHub and FailoverRequests (read back as JSON like Argo CD reads them) go through discovery.lua
 * and action.lua, and what the actions return is created as Argo CD would create it. The actions'
 * clock is the operator's (AdjustableClock), so "not before" follows the rules.
 */
class ArgoCdActionsFailoverMockTest {
  static final KubernetesSerialization JSON = new KubernetesSerialization();
  static LuaHealthRunner lua;

  OperatorHarness h;
  HubFixtures f;

  @BeforeAll
  static void interpreter() {
    List<LuaHealthRunner> runners = LuaHealthRunner.available();
    lua = runners.get(runners.size() - 1); // luajit when installed: Lua 5.1 like Argo CD
  }

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    f = new HubFixtures(h);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> live(HasMetadata o) {
    return JSON.convertValue(o, Map.class);
  }

  Map<String, Action> hubActions() {
    return ArgoCdActions.discover(lua, "IoTHub", live(hub()), h.clock().instant(), "contoso-hub");
  }

  IoTHub hub() {
    return h.hub(NS, "contoso-hub");
  }

  /** Runs the action and creates what it returns, as Argo CD does; the new request's name. */
  String click(String kind, String action, HasMetadata on) {
    Outcome o = ArgoCdActions.run(lua, kind, action, live(on), h.clock().instant(), action);
    FailoverRequest request = JSON.convertValue(o.created(), FailoverRequest.class);
    h.client().resource(request).create();
    return request.getMetadata().getName();
  }

  @Test
  void failoverFailbackAndRetryFromArgoCd() {
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    f.createReadyHub("fixtures/hub-westus2.yaml");
    assertThat(hubActions().get("failover"))
        .isEqualTo(new Action(false, "Fail over to West Central US", "fa fa-fw fa-exchange"));
    assertThat(hubActions().get("failback").disabled()).isTrue();

    // Failover, clicked: the request carries the confirmation and belongs to the hub.
    String failover = click("IoTHub", "failover", hub());
    FailoverRequest done = f.awaitPhase(failover, RequestPhase.Succeeded);
    assertThat(done.getStatus().getType().name()).isEqualTo("Failover");
    assertThat(done.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(hub().getMetadata().getUid()));
    f.awaitReady("contoso-hub");
    assertThat(hub().getStatus().getCurrentLocation().getId()).isEqualTo("westcentralus");

    // Right after it, both are greyed out until the interval has passed, with the time.
    String next = hub().getStatus().getQuota().getNextOperationAllowedAt();
    assertThat(hubActions().get("failback"))
        .isEqualTo(
            new Action(
                true,
                "Fail back (not now: not before " + next + ", 1 interval after the last operation)",
                "fa fa-fw fa-exchange"));

    // An hour later: failback is offered, but West US 2's brokers do not come up; it fails.
    h.clock().advance(Duration.ofMinutes(61));
    assertThat(hubActions().get("failback"))
        .isEqualTo(new Action(false, "Fail back to West US 2", "fa fa-fw fa-exchange"));
    assertThat(hubActions().get("failover").displayName())
        .isEqualTo(
            "Fail over (not now: the hub already runs in its failover location West Central US)");
    h.kubelet().breakNamespace("iothub-westus2");
    String failback = click("IoTHub", "failback", hub());
    f.awaitStep(failback, dev.iothub.api.v1alpha1.OperationStep.ActivatingTarget);
    assertThat(hubActions().get("failback").displayName())
        .isEqualTo("Fail back (not now: a failback is in progress (request " + failback + "))");
    assertThat(
            ArgoCdActions.discover(
                    lua, "FailoverRequest", live(f.get(failback)), h.clock().instant(), failback)
                .get("retry")
                .disabled())
        .isTrue();
    h.clock().advance(h.settings().failover().stepDeadline().plusSeconds(1));
    FailoverRequest failed = f.awaitPhase(failback, RequestPhase.Failed);
    f.awaitReady("contoso-hub");

    // Retry, clicked on the failed request: a new request, which runs once the region is back.
    assertThat(
            ArgoCdActions.discover(
                    lua, "FailoverRequest", live(failed), h.clock().instant(), failback)
                .get("retry"))
        .isEqualTo(new Action(false, "Retry as a new request", "fa fa-fw fa-redo"));
    h.kubelet().repair("iothub-westus2");
    h.clock().advance(Duration.ofSeconds(1)); // a new second: a new name
    String retry = click("FailoverRequest", "retry", failed);
    assertThat(retry).startsWith("contoso-hub-retry-").isNotEqualTo(failback);
    FailoverRequest retried = f.awaitPhase(retry, RequestPhase.Succeeded);
    assertThat(retried.getStatus().getType().name()).isEqualTo("Failback");
    assertThat(retried.getMetadata().getOwnerReferences()).hasSize(1);
    f.awaitReady("contoso-hub");
    assertThat(hub().getStatus().getCurrentLocation().getId()).isEqualTo("westus2");
  }
}
