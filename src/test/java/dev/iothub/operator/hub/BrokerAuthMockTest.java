package dev.iothub.operator.hub;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.HubCertificates;
import dev.iothub.operator.broker.PasswordFile;
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

/**
 * What the operator renders for the brokers: certificates and the service users' lines per region;
 * the devices' lines are read by the pod from the registry shards it mounts (the pod's own reading
 * is {@code PodPasswordAssemblyIT}'s, with real mosquitto {@code OperatorRenderedBrokerIT}'s).
 */
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
          .until(() -> devicesLines(ns, shard).startsWith("thermostat-1:$7$"));
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
        .contains(BrokerAuth.serviceFragment(hub), RegistryStore.shardName(hub, shard));
    // Each device's record is stored once per region: no Secret but its shard holds its hash.
    String hash = devicesLines("iothub-westus2", shard).split(":", 2)[1].strip();
    assertThat(h.client().secrets().inNamespace("iothub-westus2").list().getItems())
        .filteredOn(
            s ->
                s.getData().values().stream()
                    .anyMatch(v -> !plain(v).isEmpty() && plain(v).contains(hash)))
        .isEmpty();
    assertThat(
            h.client().secrets().inNamespace("iothub-westus2").list().getItems().stream()
                .map(s -> s.getMetadata().getName()))
        .noneMatch(name -> name.equals(BrokerAuth.shardFragment(hub, shard)));
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
        .until(() -> devicesLines("iothub-westus2", shard).contains("thermostat-1:"));

    device = h.client().resources(Device.class).inNamespace(NS).withName("thermostat-1").get();
    device.getSpec().setEnabled(false);
    h.client().resource(device).update();

    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> !devicesLines("iothub-westus2", shard).contains("thermostat-1:"));
  }

  @Test
  void thePasswordFragmentsOfEarlierBuildsAreRemoved() {
    // What an earlier build rendered per shard; the pods no longer mount them.
    Secret old =
        new io.fabric8.kubernetes.api.model.SecretBuilder()
            .withNewMetadata()
            .withName(BrokerAuth.shardFragment(hub, 3))
            .withNamespace("iothub-westus2")
            .withLabels(HubNames.ownerLabels(hub))
            .addToLabels(HubNames.COMPONENT, BrokerAuth.COMPONENT)
            .addToLabels(HubNames.REGION_SECRET, "true")
            .endMetadata()
            .addToStringData("passwd", "meter-1:$7$101$x$y\n")
            .build();
    h.client().resource(old).create();
    // A Secret of the same pattern that is not the hub's stays.
    h.client()
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName(BrokerAuth.shardFragment(hub, 4))
                .withNamespace("iothub-westus2")
                .endMetadata()
                .build())
        .create();

    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                h.client()
                        .secrets()
                        .inNamespace("iothub-westus2")
                        .withName(BrokerAuth.shardFragment(hub, 3))
                        .get()
                    == null);
    assertThat(
            h.client()
                .secrets()
                .inNamespace("iothub-westus2")
                .withName(BrokerAuth.shardFragment(hub, 4))
                .get())
        .isNotNull();
  }

  /** The password lines of a registry shard, as the broker pod takes them out of it. */
  private String devicesLines(String ns, int shard) {
    Secret s =
        h.client().secrets().inNamespace(ns).withName(RegistryStore.shardName(hub, shard)).get();
    return s == null ? "" : PasswordFile.deviceFragment(RegistryStore.records(s));
  }

  private static String plain(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private String text(String ns, String secret, String key) {
    Secret s = h.client().secrets().inNamespace(ns).withName(secret).get();
    if (s == null || s.getData() == null || s.getData().get(key) == null) {
      return "";
    }
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }
}
