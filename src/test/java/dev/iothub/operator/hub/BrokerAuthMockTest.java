package dev.iothub.operator.hub;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.HubCertificates;
import dev.iothub.operator.broker.Pem;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.registry.RegistryShard;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the operator renders for the brokers: certificates and password fragments per region. */
class BrokerAuthMockTest {
  private OperatorHarness h;
  private IoTHub hub;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    hub = new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void bothRegionsGetTheSameCertificateAndTheDevicesPasswordLines() {
    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    int shard = RegistryShard.indexOf("thermostat-1", RegistryStore.shardCount(hub));

    for (String ns : new String[] {"iothub-westus2", "iothub-westcentralus"}) {
      await()
          .atMost(HubFixtures.WAIT)
          .until(
              () ->
                  text(ns, BrokerAuth.shardFragment(hub, shard), "passwd")
                      .startsWith("thermostat-1:$7$"));
      assertThat(text(ns, BrokerAuth.serviceFragment(hub), "passwd"))
          .contains("iothub-backend:$7$")
          .contains("iothub-probe:$7$");
    }
    // One server certificate, signed by the hub's CA, valid for the stable name and both regions.
    String cert = text("iothub-westus2", BrokerAuth.tlsSecret(hub), "tls.crt");
    assertThat(text("iothub-westcentralus", BrokerAuth.tlsSecret(hub), "tls.crt")).isEqualTo(cert);
    assertThat(HubCertificates.dnsNames(Pem.certificate(cert)))
        .contains(
            "contoso-hub.manlfailrg.svc.cluster.local",
            HubNames.broker(hub) + ".iothub-westus2.svc.cluster.local",
            HubNames.broker(hub) + ".iothub-westcentralus.svc.cluster.local");
    assertThat(text(NS, BrokerAuth.caSecret(hub), "ca.crt"))
        .isEqualTo(text("iothub-westus2", BrokerAuth.tlsSecret(hub), "ca.crt"));
    // The CA's key and the service keys stay in the hub namespace.
    assertThat(h.client().secrets().inNamespace("iothub-westus2").list().getItems())
        .noneMatch(s -> s.getData().containsKey("ca.key") || s.getData().containsKey("backendKey"));

    Deployment broker =
        h.client()
            .apps()
            .deployments()
            .inNamespace("iothub-westus2")
            .withName(HubNames.broker(hub))
            .get();
    assertThat(broker.getSpec().getTemplate().getSpec().getShareProcessNamespace()).isTrue();
    assertThat(broker.getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactly("mosquitto", "auth-reloader");
    assertThat(
            broker.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("fragments"))
                .flatMap(v -> v.getProjected().getSources().stream())
                .map(p -> p.getSecret().getName())
                .collect(Collectors.toList()))
        .contains(BrokerAuth.serviceFragment(hub), BrokerAuth.shardFragment(hub, shard));
    assertThat(
            h.client()
                .configMaps()
                .inNamespace("iothub-westus2")
                .withName(HubNames.broker(hub))
                .get()
                .getData()
                .get("mosquitto.conf"))
        .contains(
            "allow_anonymous false",
            "password_file /mosquitto/auth/passwd",
            "acl_file /mosquitto/config/acl",
            "listener 8883");
  }

  @Test
  void aDisabledDeviceLeavesThePasswordFile() {
    Device device =
        h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    int shard = RegistryShard.indexOf("thermostat-1", RegistryStore.shardCount(hub));
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                text("iothub-westus2", BrokerAuth.shardFragment(hub, shard), "passwd")
                    .contains("thermostat-1:"));

    device = h.client().resources(Device.class).inNamespace(NS).withName("thermostat-1").get();
    device.getSpec().setEnabled(false);
    h.client().resource(device).update();

    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                !text("iothub-westus2", BrokerAuth.shardFragment(hub, shard), "passwd")
                    .contains("thermostat-1:"));
  }

  private String text(String ns, String secret, String key) {
    Secret s = h.client().secrets().inNamespace(ns).withName(secret).get();
    if (s == null || s.getData() == null || s.getData().get(key) == null) {
      return "";
    }
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }
}
