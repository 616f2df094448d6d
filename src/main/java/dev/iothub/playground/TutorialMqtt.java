package dev.iothub.playground;

import static dev.iothub.playground.Tutorial.NAMESPACE;
import static dev.iothub.playground.Tutorial.PUMP;
import static dev.iothub.playground.Tutorial.THERMOSTAT;
import static dev.iothub.playground.Tutorial.WAIT;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.embedded.LocalMosquittoPods;
import dev.iothub.operator.broker.DeviceTopics;
import dev.iothub.operator.broker.MosquittoConfig;
import dev.iothub.operator.hub.BrokerAuth;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import dev.iothub.operator.registry.DeviceKeySecrets;
import dev.iothub.playground.Tutorial.Stop;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The tutorial's example devices on real MQTT, when the brokers run as local mosquitto processes:
 * the thermostat connects to the hub's host name and sends telemetry, the disabled pump is refused,
 * and after each failover the thermostat's reconnection to the new region is reported.
 */
final class TutorialMqtt implements AutoCloseable {
  private final KubernetesClient client;
  private final RegionCatalog regions;
  private final LocalMosquittoPods brokers;
  private final PrintStream out;
  private TutorialDevice thermostat;

  TutorialMqtt(
      KubernetesClient client, RegionCatalog regions, LocalMosquittoPods brokers, PrintStream out) {
    this.client = client;
    this.regions = regions;
    this.brokers = brokers;
    this.out = out;
  }

  /** The thermostat connects and sends; the pump, disabled, is refused. */
  void connect(IoTHub hub) throws InterruptedException {
    String host = hub.getStatus().getHostName();
    String ca = secretText(BrokerAuth.caSecret(hub), MosquittoConfig.CA_FILE_NAME);
    out.println();
    out.println(
        "MQTT: "
            + deviceId(THERMOSTAT)
            + " connects to "
            + host
            + ":"
            + MosquittoConfig.MQTT_PORT
            + " (TLS, the hub's CA, its key from the Secret as password)");
    thermostat = device(THERMOSTAT, ca, host);
    LocalMosquittoPods.Endpoint at;
    try {
      at = thermostat.connect(WAIT);
    } catch (IllegalStateException e) {
      throw new Stop(e.getMessage());
    }
    out.println(
        "  connected: the hub's endpoint leads to the broker in "
            + at.namespace()
            + " ("
            + regionIn(at.namespace())
            + "), mosquitto pid "
            + at.pid());
    telemetry("21.5");
    Optional<Mqtt5ConnAckReasonCode> refused;
    try (TutorialDevice pump = device(PUMP, ca, host)) {
      refused = pump.tryOnce();
    }
    if (refused.isEmpty()) {
      throw new Stop(deviceId(PUMP) + " is disabled, yet the broker let it in");
    }
    out.println("MQTT: " + deviceId(PUMP) + " (enabled: false) is refused: " + refused.get() + ".");
  }

  /** How many times the thermostat has reconnected so far. */
  int reconnections() {
    return thermostat == null ? 0 : thermostat.reconnectionCount();
  }

  /**
   * The thermostat stays on the source's broker until the operator scales it down, after the
   * endpoint switched; then it resolves the hub's name again and lands on the new region's broker,
   * where it sends {@code celsius}.
   */
  void reportReconnection(int seen, String celsius) throws InterruptedException {
    TutorialDevice.Reconnection r;
    try {
      r = thermostat.awaitReconnection(seen, WAIT);
    } catch (IllegalStateException e) {
      throw new Stop(e.getMessage());
    }
    out.printf(
        "MQTT: %s lost its connection when the broker in %s (%s) stopped, and reconnected"
            + " %d ms later to the broker in %s (%s), mosquitto pid %d, after %d attempt%s.%n",
        deviceId(THERMOSTAT),
        r.from().namespace(),
        regionIn(r.from().namespace()),
        r.after().toMillis(),
        r.to().namespace(),
        regionIn(r.to().namespace()),
        r.to().pid(),
        r.attempts(),
        r.attempts() == 1 ? "" : "s");
    telemetry(celsius);
  }

  @Override
  public void close() {
    if (thermostat != null) {
      thermostat.close();
    }
  }

  private void telemetry(String celsius) throws InterruptedException {
    if (!thermostat.sendTelemetry(celsius)) {
      throw new Stop("the broker did not acknowledge " + deviceId(THERMOSTAT) + "'s telemetry");
    }
    out.println(
        "  sent telemetry "
            + celsius
            + " to "
            + DeviceTopics.events(deviceId(THERMOSTAT))
            + " (QoS 1): acknowledged");
  }

  private TutorialDevice device(String name, String ca, String host) {
    Device d = device(name);
    String key = secretText(d.getStatus().getKeySecretName(), DeviceKeySecrets.KEY);
    return new TutorialDevice(d.getStatus().getDeviceId(), key, ca, host, brokers::resolve);
  }

  private String deviceId(String name) {
    return device(name).getStatus().getDeviceId();
  }

  private Device device(String name) {
    Device d = client.resources(Device.class).inNamespace(NAMESPACE).withName(name).get();
    if (d == null || d.getStatus() == null || d.getStatus().getDeviceId() == null) {
      throw new Stop("device " + name + " is not registered");
    }
    return d;
  }

  private String secretText(String name, String key) {
    Secret s = client.secrets().inNamespace(NAMESPACE).withName(name).get();
    if (s == null || s.getData() == null || s.getData().get(key) == null) {
      throw new Stop("Secret " + NAMESPACE + "/" + name + " has no " + key);
    }
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  private String regionIn(String namespace) {
    return regions.all().stream()
        .filter(r -> r.namespace().equals(namespace))
        .map(Region::displayName)
        .findFirst()
        .orElse(namespace);
  }
}
