package dev.iothub.operator.broker;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.embedded.LocalBrokerPod;
import dev.iothub.operator.hub.BrokerAuth;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.operator.status.Conditions;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end on real mosquitto: the operator runs on the embedded API server, and each region's
 * broker is started from the objects the operator wrote there ({@link LocalBrokerPod}: its
 * ConfigMap, certificate and password fragments, joined by the pod's own assemble script), with
 * only the mount paths and the port moved to a temporary directory. A device applied as a Device
 * connects with the key from its Secret, a failover probes the target broker over MQTT, and the
 * device then connects there.
 */
class OperatorRenderedBrokerIT {
  private static final Duration DELIVERY = Duration.ofSeconds(5);

  /** Two turns of the pod's reloader (one every 5 s) and a margin. */
  private static final Duration TWO_TURNS = Duration.ofSeconds(12);

  private OperatorHarness h;
  private IoTHub hub;
  private final Map<String, Integer> ports = new HashMap<>();
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    hub = new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml");
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
    h.close();
  }

  @Test
  void aDeviceConnectsToTheRenderedBrokerAndAfterAFailoverToTheOtherRegionsBroker()
      throws Exception {
    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    awaitFragmentsWith("iothub-westus2", "thermostat-1:");
    awaitFragmentsWith("iothub-westcentralus", "thermostat-1:");
    String key = secretText(NS, "thermostat-1-key", "primaryKey");
    String ca = secretText(NS, BrokerAuth.caSecret(hub), "ca.crt");

    LocalBrokerPod west = startRegionBroker("iothub-westus2");
    Mqtt5BlockingClient backend =
        client(
            west.port(),
            "iothub-backend",
            secretText(NS, BrokerAuth.serviceSecret(hub), "backendKey"),
            ca);
    var telemetry = backend.publishes(MqttGlobalPublishFilter.ALL);
    backend
        .subscribeWith()
        .topicFilter("devices/+/messages/events/#")
        .qos(MqttQos.AT_LEAST_ONCE)
        .send();
    Mqtt5BlockingClient device = client(west.port(), "thermostat-1", key, ca);
    device
        .publishWith()
        .topic("devices/thermostat-1/messages/events/temp")
        .payload("21.5".getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE)
        .send();
    Optional<Mqtt5Publish> received = telemetry.receive(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(received).isPresent();
    assertThat(new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
        .isEqualTo("21.5");
    device.disconnect();
    assertThatThrownBy(() -> client(west.port(), "thermostat-1", "not-the-key", ca))
        .hasMessageContaining("NOT_AUTHORIZED");

    // West Central US: its broker runs from its own rendered objects; the failover probes it.
    LocalBrokerPod westCentral = startRegionBroker("iothub-westcentralus");
    h.probeWith(
        (probed, region) ->
            new MqttProbe(ca, secretText(NS, BrokerAuth.serviceSecret(probed), "probeKey"))
                .probe(
                    named(regionHost(region), ports.get(region.namespace())),
                    Duration.ofSeconds(5)));
    new HubFixtures(h).request("failover", "contoso-hub", "contoso-hub");
    new HubFixtures(h).awaitPhase("failover", RequestPhase.Succeeded);
    IoTHub after = h.hub(NS, "contoso-hub");
    assertThat(
            Conditions.find(after.getStatus().getConditions(), "BrokerProbe")
                .orElseThrow()
                .getStatus())
        .isEqualTo("True");

    Mqtt5BlockingClient moved = client(westCentral.port(), "thermostat-1", key, ca);
    assertThat(moved.getState().isConnected()).isTrue();
    moved.disconnect();
    backend.disconnect();
  }

  /**
   * The pod's own reloader script, on real mosquitto: a fragment that changes after the init
   * container assembled the password file but before the reloader's first look is applied.
   */
  @Test
  void theReloaderAppliesAFragmentThatChangedBeforeItsFirstLook() {
    String ca = secretText(NS, BrokerAuth.caSecret(hub), "ca.crt");
    awaitFragmentsWith("iothub-westus2", "iothub-probe:");
    LocalBrokerPod west = startRegionBroker("iothub-westus2");
    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    awaitFragmentsWith("iothub-westus2", "thermostat-1:");
    String key = secretText(NS, "thermostat-1-key", "primaryKey");
    // The kubelet updates the projected fragment; the reloader has not looked yet.
    west.writeProjectedFiles();
    assertThatThrownBy(() -> client(west.port(), "thermostat-1", key, ca))
        .hasMessageContaining("NOT_AUTHORIZED");

    Process reloader = startReloader(west);

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              client(west.port(), "thermostat-1", key, ca).disconnect();
              return true;
            });
    assertThat(reloader.isAlive()).isTrue();
  }

  /**
   * The reloader's turns cost O(1): while the projected volume's {@code ..data} stays, it neither
   * assembles nor signals; one kubelet update (here carrying two Device changes) is one reload.
   */
  @Test
  void theReloaderReloadsOncePerKubeletUpdateAndNeverWhileNothingChanged() throws Exception {
    String ca = secretText(NS, BrokerAuth.caSecret(hub), "ca.crt");
    awaitFragmentsWith("iothub-westus2", "iothub-probe:");
    LocalBrokerPod west = startRegionBroker("iothub-westus2");
    Process reloader = startReloader(west);
    Thread.sleep(TWO_TURNS.toMillis());
    assertThat(west.reloads()).as("reloads while ..data stayed").isZero();

    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    Device second = h.load("fixtures/devices/thermostat.yaml", Device.class);
    second.getMetadata().setName("thermostat-2");
    h.client().resource(second).create();
    awaitFragmentsWith("iothub-westus2", "thermostat-1:");
    awaitFragmentsWith("iothub-westus2", "thermostat-2:");
    String key1 = secretText(NS, "thermostat-1-key", "primaryKey");
    String key2 = secretText(NS, "thermostat-2-key", "primaryKey");
    west.writeProjectedFiles();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              client(west.port(), "thermostat-1", key1, ca).disconnect();
              return true;
            });
    client(west.port(), "thermostat-2", key2, ca).disconnect();
    Thread.sleep(TWO_TURNS.toMillis());
    assertThat(west.reloads()).as("reloads after one kubelet update").isEqualTo(1);
    assertThat(reloader.isAlive()).isTrue();
  }

  @Test
  void aTargetBrokerThatFailsTheProbeFailsTheFailoverAndTheHubStays() {
    String ca = secretText(NS, BrokerAuth.caSecret(hub), "ca.crt");
    startRegionBroker("iothub-westus2");
    awaitFragmentsWith("iothub-westcentralus", "iothub-probe:");
    startRegionBroker("iothub-westcentralus");
    // The probe presents a wrong password: the target's broker refuses it.
    h.probeWith(
        (probed, region) ->
            new MqttProbe(ca, "wrong-password")
                .probe(
                    named(regionHost(region), ports.get(region.namespace())),
                    Duration.ofSeconds(5)));
    new HubFixtures(h).request("probed", "contoso-hub", "contoso-hub");
    new HubFixtures(h).awaitPhase("probed", RequestPhase.Running);
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                Conditions.find(h.hub(NS, "contoso-hub").getStatus().getConditions(), "BrokerProbe")
                    .map(c -> c.getReason().equals("NotAuthorized"))
                    .orElse(false));

    h.clock().advance(Duration.ofMinutes(6));

    FailoverRequest failed = new HubFixtures(h).awaitPhase("probed", RequestPhase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo("ProbeFailed");
    assertThat(failed.getStatus().getMessage())
        .contains("(NotAuthorized)")
        .contains("The hub keeps running in West US 2.");
    assertThat(
            new HubFixtures(h).awaitReady("contoso-hub").getStatus().getCurrentLocation().getId())
        .isEqualTo("westus2");
  }

  /** The pod's auth-reloader container, its own script, signalling this pod's mosquitto. */
  private Process startReloader(LocalBrokerPod pod) {
    Process reloader = pod.startSidecar("auth-reloader");
    cleanup.add(
        () -> {
          reloader.descendants().forEach(ProcessHandle::destroy);
          reloader.destroy();
        });
    return reloader;
  }

  private String regionHost(Region region) {
    return HubNames.broker(hub) + "." + region.namespace() + ".svc.cluster.local";
  }

  /**
   * The region's broker, from the objects the operator wrote in its namespace (the pod's own
   * assemble script included), whatever the Deployment's replicas.
   */
  private LocalBrokerPod startRegionBroker(String namespace) {
    LocalBrokerPod pod =
        LocalBrokerPod.start(
            h.client(),
            h.client()
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName(HubNames.broker(hub))
                .get());
    cleanup.add(pod);
    ports.put(namespace, pod.port());
    return pod;
  }

  /** Until the password file's sources (service lines, registry shards) hold {@code line}. */
  private void awaitFragmentsWith(String namespace, String line) {
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                h.client().secrets().inNamespace(namespace).list().getItems().stream()
                    .anyMatch(s -> passwordLines(s).contains(line)));
  }

  private static String passwordLines(Secret s) {
    Map<String, String> labels = s.getMetadata().getLabels();
    String component = labels == null ? null : labels.get("app.kubernetes.io/component");
    if (RegistryStore.COMPONENT.equals(component)) {
      return PasswordFile.deviceFragment(RegistryStore.records(s));
    }
    if (BrokerAuth.COMPONENT.equals(component)
        && s.getData().containsKey(MosquittoConfig.PASSWORD_FILE_NAME)) {
      return decode(s.getData().get(MosquittoConfig.PASSWORD_FILE_NAME));
    }
    return "";
  }

  private String secretText(String ns, String name, String key) {
    return decode(h.client().secrets().inNamespace(ns).withName(name).get().getData().get(key));
  }

  private static Mqtt5BlockingClient client(int port, String user, String password, String caPem) {
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(user)
            .serverAddress(named("contoso-hub.manlfailrg.svc.cluster.local", port))
            .sslConfig()
            .trustManagerFactory(Pem.trusting(caPem))
            .applySslConfig()
            .buildBlocking();
    client
        .connectWith()
        .simpleAuth()
        .username(user)
        .password(password.getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth()
        .send();
    return client;
  }

  /** A loopback address that carries a host name, which the server certificate must match. */
  private static InetSocketAddress named(String host, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
