package dev.iothub.operator.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryShard;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One hub's data-plane secrets for the broker tests, generated once per JVM: its CA, the broker's
 * server certificate (the stable host name "localhost" and two regions' broker Service names), the
 * backend and probe keys; plus MQTT clients that connect the way devices and backends do.
 */
final class TestHub {
  static final String HOST = "localhost";
  static final String WEST_BROKER = "contoso-hub-broker.iothub-westus2.svc";
  static final String WEST_CENTRAL_BROKER = "contoso-hub-broker.iothub-westcentralus.svc";
  static final int SHARDS = 4;

  static final HubCertificates.Issued CA =
      HubCertificates.newCertificateAuthority("contoso-hub", Instant.now());
  static final HubCertificates.Issued SERVER =
      HubCertificates.newServerCertificate(
          CA, List.of(HOST, WEST_BROKER, WEST_CENTRAL_BROKER), Instant.now());
  static final String BACKEND_KEY = DeviceKeys.newKey();
  static final String PROBE_KEY = DeviceKeys.newKey();

  private TestHub() {}

  /** A device and its key; the key would live in the hub namespace's Secret. */
  record Device(String id, String key) {
    static Device create(String id) {
      return new Device(id, DeviceKeys.newKey());
    }

    DeviceRecord record(boolean enabled) {
      return new DeviceRecord(id, enabled, PasswordHashes.hash(key), "2026-01-01T00:00:00Z");
    }
  }

  static Map<ServiceUser, String> serviceHashes() {
    Map<ServiceUser, String> hashes = new EnumMap<>(ServiceUser.class);
    hashes.put(ServiceUser.BACKEND, PasswordHashes.hash(BACKEND_KEY));
    hashes.put(ServiceUser.PROBE, PasswordHashes.hash(PROBE_KEY));
    return hashes;
  }

  /** The joined password file for these records, rendered shard by shard as the operator does. */
  static String passwordFile(Collection<DeviceRecord> records) {
    List<List<DeviceRecord>> shards = new ArrayList<>();
    for (int i = 0; i < SHARDS; i++) {
      shards.add(new ArrayList<>());
    }
    for (DeviceRecord r : records) {
      shards.get(RegistryShard.indexOf(r.id(), SHARDS)).add(r);
    }
    return PasswordFile.join(PasswordFile.fragments(serviceHashes(), shards));
  }

  /** A broker directory for these device records with the hub's CA and server certificate. */
  static BrokerDirectory brokerFiles(Collection<DeviceRecord> records) {
    return BrokerDirectory.render(CA, SERVER, passwordFile(records));
  }

  static Mqtt5BlockingClient mqtt5(int port, String username, String password) {
    return mqtt5(new InetSocketAddress(HOST, port), username, password);
  }

  static Mqtt5BlockingClient mqtt5(InetSocketAddress address, String username, String password) {
    return mqtt5(address, username == null ? "anonymous" : username, username, password);
  }

  /** Connected over TLS trusting only the hub CA; throws the client's exception when refused. */
  static Mqtt5BlockingClient mqtt5(
      InetSocketAddress address, String clientId, String username, String password) {
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(clientId)
            .serverAddress(address)
            .sslConfig()
            .trustManagerFactory(Pem.trusting(CA.certificatePem()))
            .applySslConfig()
            .buildBlocking();
    var connect = client.connectWith().cleanStart(true);
    if (username != null) {
      connect =
          connect
              .simpleAuth()
              .username(username)
              .password(password.getBytes(StandardCharsets.UTF_8))
              .applySimpleAuth();
    }
    connect.send();
    return client;
  }

  static Mqtt3BlockingClient mqtt3(int port, String username, String password) {
    Mqtt3BlockingClient client =
        MqttClient.builder()
            .useMqttVersion3()
            .identifier(username == null ? "anonymous" : username)
            .serverHost(HOST)
            .serverPort(port)
            .sslConfig()
            .trustManagerFactory(Pem.trusting(CA.certificatePem()))
            .applySslConfig()
            .buildBlocking();
    var connect = client.connectWith().cleanSession(true);
    if (username != null) {
      connect =
          connect
              .simpleAuth()
              .username(username)
              .password(password.getBytes(StandardCharsets.UTF_8))
              .applySimpleAuth();
    }
    connect.send();
    return client;
  }
}
