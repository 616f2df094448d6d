package dev.iothub.testing;

import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RegistrySpec;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Steps shared by the failover tests: hubs, requests and device records on the harness. */
public final class HubFixtures {
  public static final String NS = "manlfailrg";
  public static final Duration WAIT = Duration.ofSeconds(20);

  private final OperatorHarness h;

  public HubFixtures(OperatorHarness h) {
    this.h = h;
  }

  public IoTHub createReadyHub(String fixture) {
    IoTHub hub = h.load(fixture, IoTHub.class);
    h.client().resource(hub).create();
    return awaitReady(hub.getMetadata().getName());
  }

  /** The fixture's hub with {@code initialShards} registry shards (spec.registry.shards). */
  public IoTHub createReadyHub(String fixture, int initialShards) {
    IoTHub hub = h.load(fixture, IoTHub.class);
    RegistrySpec registry = new RegistrySpec();
    registry.setShards(initialShards);
    hub.getSpec().setRegistry(registry);
    h.client().resource(hub).create();
    return awaitReady(hub.getMetadata().getName());
  }

  public IoTHub awaitReady(String name) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              IoTHub hub = h.hub(NS, name);
              return hub.getStatus() != null
                  && hub.getStatus().getOperation() == null
                  && Conditions.isTrue(hub.getStatus().getConditions(), "Ready");
            });
    return h.hub(NS, name);
  }

  public FailoverRequest request(String name, String hubName, String confirm) {
    FailoverRequest request = new FailoverRequest();
    request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    FailoverRequestSpec spec = new FailoverRequestSpec();
    spec.setHubName(hubName);
    spec.setConfirmHubName(confirm);
    request.setSpec(spec);
    return h.client().resource(request).create();
  }

  public FailoverRequest get(String name) {
    return h.client().resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
  }

  public FailoverRequest awaitPhase(String name, RequestPhase phase) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              FailoverRequest r = get(name);
              return r != null && r.getStatus() != null && r.getStatus().getPhase() == phase;
            });
    return get(name);
  }

  /** Waits until the request's operation runs the given step (its clock then starts counting). */
  public FailoverRequest awaitStep(String name, dev.iothub.api.v1alpha1.OperationStep step) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              FailoverRequest r = get(name);
              return r != null && r.getStatus() != null && r.getStatus().getStep() == step;
            });
    return get(name);
  }

  /** Broker Deployment, Service and ConfigMap name of the fixtures' contoso-hub in manlfailrg. */
  public static final String CONTOSO_BROKER = "mqtt-contoso-hub-manlfailrg-8056206a";

  /** Replicas of contoso-hub's broker Deployment in a region namespace. */
  public int replicas(String regionNamespace) {
    return h.client()
        .apps()
        .deployments()
        .inNamespace(regionNamespace)
        .withName(CONTOSO_BROKER)
        .get()
        .getSpec()
        .getReplicas();
  }

  /** Where contoso-hub's stable endpoint points (its ExternalName), or "" when it has none. */
  public String endpoint() {
    var service = h.client().services().inNamespace(NS).withName("contoso-hub").get();
    return service == null ? "" : service.getSpec().getExternalName();
  }

  public static List<DeviceRecord> devices(int count, String prefix) {
    List<DeviceRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(
          new DeviceRecord(
              prefix + i,
              i % 10 != 0,
              "$7$101$c2FsdHNhbHRzYWx0$" + Integer.toHexString(i * 7919),
              "2026-11-26T00:00:00Z"));
    }
    return records;
  }
}
