package dev.iothub.operator.failover;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.MosquittoConfig;
import dev.iothub.operator.broker.MqttProbe;
import dev.iothub.operator.hub.BrokerAuth;
import dev.iothub.operator.hub.StableEndpoint;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Probes a region's broker Service as the hub's probe user, trusting only the hub's CA: the same
 * name, certificate and password file that devices meet there.
 */
public final class MqttBrokerProbe implements BrokerProbe {
  private final KubernetesClient client;
  private final StableEndpoint endpoint;
  private final Duration timeout;

  public MqttBrokerProbe(KubernetesClient client, String clusterDomain, Duration timeout) {
    this.client = client;
    this.endpoint = new StableEndpoint(client, clusterDomain);
    this.timeout = timeout;
  }

  @Override
  public MqttProbe.Result probe(IoTHub hub, Region region) {
    String ns = hub.getMetadata().getNamespace();
    Secret ca = client.secrets().inNamespace(ns).withName(BrokerAuth.caSecret(hub)).get();
    Secret service = client.secrets().inNamespace(ns).withName(BrokerAuth.serviceSecret(hub)).get();
    if (ca == null || service == null) {
      return new MqttProbe.Result(
          MqttProbe.Outcome.FAILED,
          "the hub's CA or service credentials are missing",
          Duration.ZERO);
    }
    return new MqttProbe(text(ca, "ca.crt"), text(service, BrokerAuth.PROBE_KEY))
        .probe(endpoint.regionHostName(hub, region), MosquittoConfig.MQTT_PORT, timeout);
  }

  private static String text(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }
}
