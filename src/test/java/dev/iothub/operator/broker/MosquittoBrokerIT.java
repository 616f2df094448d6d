package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.ConnectionFailedException;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import dev.iothub.embedded.MosquittoProcess;
import dev.iothub.operator.broker.TestHub.Device;
import dev.iothub.operator.registry.DeviceRecord;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broker data plane on a real mosquitto, started from the very files the renderers produce:
 * device authentication over TLS, device isolation, live reload, and a second region's broker.
 */
class MosquittoBrokerIT {
  /** How long a message that must not arrive is waited for. */
  private static final Duration SILENCE = Duration.ofMillis(700);

  private static final Duration DELIVERY = Duration.ofSeconds(5);

  private final Closer cleanup = new Closer();

  @AfterEach
  void stop() throws Exception {
    cleanup.closeAll();
  }

  @Test
  void registeredDevicesConnectWithTheirKeysOverMqtt5And311AndTheBackendReceivesTelemetry() {
    Device thermostat = Device.create("thermostat-1");
    Device meter = Device.create("meter-7");
    MosquittoProcess broker = start(List.of(thermostat.record(true), meter.record(true)));

    Mqtt5BlockingClient backend = backend(broker);
    var telemetry = backend.publishes(MqttGlobalPublishFilter.ALL);
    backend.subscribeWith().topicFilter(DeviceTopics.allEvents()).qos(MqttQos.AT_LEAST_ONCE).send();

    Mqtt5BlockingClient v5 = device(broker, thermostat);
    v5.publishWith()
        .topic(DeviceTopics.events(thermostat.id()))
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(bytes("{\"temperature\":21.5}"))
        .send();
    Mqtt5Publish first = receive(telemetry);
    assertThat(first.getTopic().toString()).isEqualTo("devices/thermostat-1/messages/events/");
    assertThat(text(first)).isEqualTo("{\"temperature\":21.5}");

    Mqtt3BlockingClient v3 = TestHub.mqtt3(broker.port(), meter.id(), meter.key());
    cleanup.add(v3::disconnect);
    v3.publishWith()
        .topic(DeviceTopics.events(meter.id()) + "$.ct=application%2Fjson")
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(bytes("{\"kWh\":3}"))
        .send();
    Mqtt5Publish second = receive(telemetry);
    assertThat(second.getTopic().toString())
        .isEqualTo("devices/meter-7/messages/events/$.ct=application%2Fjson");
    assertThat(text(second)).isEqualTo("{\"kWh\":3}");

    // and back: a cloud-to-device message reaches the 3.1.1 device on its own topic
    v3.subscribeWith()
        .topicFilter(DeviceTopics.deviceBound(meter.id()) + "#")
        .qos(MqttQos.AT_LEAST_ONCE)
        .send();
    try (var inbox = v3.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
      backend
          .publishWith()
          .topic(DeviceTopics.deviceBound(meter.id()) + "reset")
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(bytes("now"))
          .send();
      var command = inbox.receive(DELIVERY.toMillis(), TimeUnit.MILLISECONDS).orElseThrow();
      assertThat(command.getTopic().toString())
          .isEqualTo("devices/meter-7/messages/devicebound/reset");
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void refusesAWrongKeyADisabledDeviceAnUnregisteredDeviceAndAnonymousClients() {
    Device registered = Device.create("registered");
    Device disabled = Device.create("disabled");
    Device unregistered = Device.create("never-registered");
    MosquittoProcess broker = start(List.of(registered.record(true), disabled.record(false)));
    int port = broker.port();

    String wrongKey = DeviceKeys.newKey();
    assertRefused5(() -> TestHub.mqtt5(port, registered.id(), wrongKey));
    assertRefused3(() -> TestHub.mqtt3(port, registered.id(), wrongKey));
    assertRefused5(() -> TestHub.mqtt5(port, disabled.id(), disabled.key()));
    assertRefused3(() -> TestHub.mqtt3(port, disabled.id(), disabled.key()));
    assertRefused5(() -> TestHub.mqtt5(port, unregistered.id(), unregistered.key()));
    assertRefused5(() -> TestHub.mqtt5(port, null, null));
    assertRefused3(() -> TestHub.mqtt3(port, null, null));
    // another device's key does not open a device either
    assertRefused5(() -> TestHub.mqtt5(port, registered.id(), disabled.key()));

    // the one right combination still works
    device(broker, registered);
  }

  /**
   * What mosquitto 2.0 does with its ACL file: a denied PUBLISH is dropped (MQTT 5 QoS 1 gets a
   * PUBACK with NOT_AUTHORIZED; MQTT 3.1.1 has no reason codes, so there it is silent). Every
   * SUBSCRIBE is granted (its ACL check returns success for subscriptions, "FIXME - implement ACL
   * subscription strings"), and read access is enforced on each message it would deliver. So
   * isolation shows as messages that never arrive, proven against messages that do arrive on the
   * same connections, which the broker delivers in order.
   */
  @Test
  void aDeviceCannotPublishOrSubscribeUnderAnotherDevicesTopics() throws Exception {
    Device mallory = Device.create("mallory");
    Device eve = Device.create("eve");
    Device victim = Device.create("victim");
    MosquittoProcess broker =
        start(List.of(mallory.record(true), eve.record(true), victim.record(true)));

    Mqtt5BlockingClient backend = backend(broker);
    var telemetry = backend.publishes(MqttGlobalPublishFilter.ALL);
    backend.subscribeWith().topicFilter(DeviceTopics.allEvents()).qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient target = device(broker, victim);
    var victimInbox = target.publishes(MqttGlobalPublishFilter.ALL);
    target
        .subscribeWith()
        .topicFilter(DeviceTopics.deviceBound(victim.id()) + "#")
        .qos(MqttQos.AT_LEAST_ONCE)
        .send();

    Mqtt5BlockingClient attacker = device(broker, mallory);
    var attackerInbox = attacker.publishes(MqttGlobalPublishFilter.ALL);
    for (String filter :
        List.of(
            DeviceTopics.deviceBound(victim.id()) + "#",
            DeviceTopics.events(victim.id()) + "#",
            DeviceTopics.allEvents(),
            "#")) {
      assertThat(subscribeCodes(attacker, filter))
          .as(filter)
          .hasSize(1)
          .allMatch(
              code ->
                  code == Mqtt5SubAckReasonCode.NOT_AUTHORIZED
                      || code == Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    }

    // Spoofed telemetry and a forged command, from devices (MQTT 5 and 3.1.1) and the backend.
    assertPublishRefused(attacker, DeviceTopics.events(victim.id()), "spoofed");
    assertPublishRefused(attacker, DeviceTopics.deviceBound(victim.id()) + "unlock", "forged");
    assertPublishRefused(backend, DeviceTopics.events(victim.id()), "spoofed by backend");
    Mqtt3BlockingClient eve3 = TestHub.mqtt3(broker.port(), eve.id(), eve.key());
    for (String topic :
        List.of(DeviceTopics.events(victim.id()), DeviceTopics.deviceBound(victim.id()) + "x")) {
      eve3.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("quiet")).send();
    }
    // Each device's own telemetry is what the backend gets first: each client's messages are
    // delivered in order, so the spoofed ones were dropped, not delayed.
    publish(attacker, DeviceTopics.events(mallory.id()), "own");
    assertThat(receive(telemetry).getTopic().toString())
        .isEqualTo("devices/mallory/messages/events/");
    eve3.publishWith()
        .topic(DeviceTopics.events(eve.id()))
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(bytes("own"))
        .send();
    assertThat(receive(telemetry).getTopic().toString()).isEqualTo("devices/eve/messages/events/");

    // Real traffic for the victim flows, and none of it reaches the attacker's subscriptions.
    publish(target, DeviceTopics.events(victim.id()), "victim telemetry");
    assertThat(text(receive(telemetry))).isEqualTo("victim telemetry");
    publish(backend, DeviceTopics.deviceBound(victim.id()) + "unlock", "real command");
    assertThat(text(receive(victimInbox))).isEqualTo("real command");

    assertThat(attackerInbox.receive(SILENCE.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
    assertThat(victimInbox.receive(1, TimeUnit.MILLISECONDS)).as("forged command").isEmpty();
    assertThat(telemetry.receive(1, TimeUnit.MILLISECONDS)).isEmpty();

    // Reusing the victim's client id does not take over its session: the broker uses the
    // username as client id, so the victim stays connected and keeps receiving; the session
    // taken over is eve's own (her 3.1.1 connection).
    Mqtt5BlockingClient hijacker =
        TestHub.mqtt5(
            new InetSocketAddress(TestHub.HOST, broker.port()), victim.id(), eve.id(), eve.key());
    cleanup.add(() -> disconnectQuietly(hijacker));
    publish(backend, DeviceTopics.deviceBound(victim.id()) + "ping", "after hijack attempt");
    assertThat(text(receive(victimInbox))).isEqualTo("after hijack attempt");
    assertThat(target.getState().isConnected()).isTrue();
    awaitDisconnected(() -> eve3.getState().isConnected());
  }

  @Test
  void aDeviceAddedWhileTheBrokerRunsConnectsAfterSighupWithoutDroppingConnectedDevices()
      throws Exception {
    Device steady = Device.create("steady");
    Device leaving = Device.create("leaving");
    Device newcomer = Device.create("newcomer");
    List<DeviceRecord> before = List.of(steady.record(true), leaving.record(true));
    BrokerDirectory files = files(before);
    MosquittoProcess broker = track(files.start());
    long pid = broker.pid();

    Mqtt5BlockingClient backend = backend(broker);
    var telemetry = backend.publishes(MqttGlobalPublishFilter.ALL);
    backend.subscribeWith().topicFilter(DeviceTopics.allEvents()).qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient steadyClient = device(broker, steady);
    Mqtt5BlockingClient leavingClient = device(broker, leaving);
    assertRefused5(() -> TestHub.mqtt5(broker.port(), newcomer.id(), newcomer.key()));

    // The registry changes: newcomer added, leaving deleted. The operator renders, the pod reloads.
    files.writePasswordFile(TestHub.passwordFile(List.of(before.get(0), newcomer.record(true))));
    broker.reload();

    device(broker, newcomer);
    assertThat(broker.pid()).isEqualTo(pid);
    assertThat(broker.isAlive()).isTrue();
    assertThat(steadyClient.getState().isConnected()).isTrue();
    steadyClient
        .publishWith()
        .topic(DeviceTopics.events(steady.id()))
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(bytes("still here"))
        .send();
    assertThat(text(receive(telemetry))).isEqualTo("still here");
    assertThat(backend.getState().isConnected()).isTrue();

    // mosquitto rechecks connected clients on reload: the deleted device is gone for good
    awaitDisconnected(() -> leavingClient.getState().isConnected());
    assertRefused5(() -> TestHub.mqtt5(broker.port(), leaving.id(), leaving.key()));
    assertThat(broker.count(" starting")).as("one start, no restart: " + broker.log()).isEqualTo(1);
  }

  @Test
  void aSecondRegionsBrokerFromTheSameFilesAcceptsTheSameDeviceWithTheSameCredentials() {
    Device device = Device.create("field-sensor");
    List<DeviceRecord> records = List.of(device.record(true));
    String passwordFile = TestHub.passwordFile(records);
    BrokerDirectory westFiles =
        track(BrokerDirectory.render(TestHub.CA, TestHub.SERVER, passwordFile));
    BrokerDirectory centralFiles =
        track(BrokerDirectory.render(TestHub.CA, TestHub.SERVER, passwordFile));
    MosquittoProcess west = track(westFiles.start());
    MosquittoProcess central = track(centralFiles.start());
    assertThat(centralFiles.read(centralFiles.layout().passwordFile()))
        .isEqualTo(westFiles.read(westFiles.layout().passwordFile()));

    Mqtt5BlockingClient before = TestHub.mqtt5(west.port(), device.id(), device.key());
    before.disconnect();

    // Failover: the source region's broker goes away, the target's takes over.
    west.close();
    assertThatThrownBy(() -> TestHub.mqtt5(west.port(), device.id(), device.key()))
        .isInstanceOf(ConnectionFailedException.class);

    Mqtt5BlockingClient backend = backend(central);
    var telemetry = backend.publishes(MqttGlobalPublishFilter.ALL);
    backend.subscribeWith().topicFilter(DeviceTopics.allEvents()).qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient after = device(central, device);
    after
        .publishWith()
        .topic(DeviceTopics.events(device.id()))
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(bytes("after failover"))
        .send();
    assertThat(text(receive(telemetry))).isEqualTo("after failover");

    // The certificate also names each region's broker Service, for in-cluster clients and probes.
    Mqtt5BlockingClient byServiceName =
        TestHub.mqtt5(
            named(TestHub.WEST_CENTRAL_BROKER, central.port()), device.id(), device.key());
    cleanup.add(byServiceName::disconnect);
  }

  // --- helpers

  private MosquittoProcess start(List<DeviceRecord> records) {
    return track(files(records).start());
  }

  private BrokerDirectory files(List<DeviceRecord> records) {
    return track(TestHub.brokerFiles(records));
  }

  private <T extends AutoCloseable> T track(T closeable) {
    if (closeable instanceof MosquittoProcess broker) {
      cleanup.add(
          () -> {
            broker.close();
            System.out.println("--- mosquitto log (port " + broker.port() + ")\n" + broker.log());
          });
    } else {
      cleanup.add(closeable);
    }
    return closeable;
  }

  private Mqtt5BlockingClient backend(MosquittoProcess broker) {
    Mqtt5BlockingClient client =
        TestHub.mqtt5(broker.port(), ServiceUser.BACKEND.username(), TestHub.BACKEND_KEY);
    cleanup.add(() -> disconnectQuietly(client));
    return client;
  }

  private Mqtt5BlockingClient device(MosquittoProcess broker, Device device) {
    Mqtt5BlockingClient client = TestHub.mqtt5(broker.port(), device.id(), device.key());
    cleanup.add(() -> disconnectQuietly(client));
    return client;
  }

  private static void disconnectQuietly(Mqtt5BlockingClient client) {
    if (client.getState().isConnected()) {
      try {
        client.disconnect();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
  }

  private static InetSocketAddress named(String host, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}), port);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertRefused5(Runnable connect) {
    assertThatThrownBy(connect::run)
        .isInstanceOfSatisfying(
            Mqtt5ConnAckException.class,
            e ->
                assertThat(e.getMqttMessage().getReasonCode())
                    .isIn(
                        Mqtt5ConnAckReasonCode.NOT_AUTHORIZED,
                        Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
  }

  private static void assertRefused3(Runnable connect) {
    assertThatThrownBy(connect::run)
        .isInstanceOfSatisfying(
            Mqtt3ConnAckException.class,
            e ->
                assertThat(e.getMqttMessage().getReturnCode())
                    .isIn(
                        Mqtt3ConnAckReturnCode.NOT_AUTHORIZED,
                        Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
  }

  private static void publish(Mqtt5BlockingClient client, String topic, String text) {
    client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(text)).send();
  }

  private static List<Mqtt5SubAckReasonCode> subscribeCodes(
      Mqtt5BlockingClient client, String filter) {
    try {
      return client
          .subscribeWith()
          .topicFilter(filter)
          .qos(MqttQos.AT_LEAST_ONCE)
          .send()
          .getReasonCodes();
    } catch (Mqtt5SubAckException e) {
      return e.getMqttMessage().getReasonCodes();
    }
  }

  /** An MQTT 5 QoS 1 publish that mosquitto refuses: PUBACK with NOT_AUTHORIZED, not delivered. */
  private static void assertPublishRefused(Mqtt5BlockingClient client, String topic, String text) {
    assertThatThrownBy(
            () ->
                client
                    .publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(bytes(text))
                    .send())
        .isInstanceOfSatisfying(
            Mqtt5PubAckException.class,
            e ->
                assertThat(e.getMqttMessage().getReasonCode())
                    .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
  }

  private static void awaitDisconnected(BooleanSupplier connected) throws InterruptedException {
    long deadline = System.nanoTime() + DELIVERY.toNanos();
    while (connected.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(connected.getAsBoolean()).as("still connected").isFalse();
  }

  private static Mqtt5Publish receive(Mqtt5BlockingClient.Mqtt5Publishes publishes) {
    try {
      Optional<Mqtt5Publish> p = publishes.receive(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
      return p.orElseThrow(() -> new AssertionError("nothing received within " + DELIVERY));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Mqtt5Publish publish) {
    return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }
}
