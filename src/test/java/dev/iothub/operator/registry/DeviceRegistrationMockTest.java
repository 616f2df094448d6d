package dev.iothub.operator.registry;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.region.Region;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceRegistrationMockTest {
  private OperatorHarness h;
  private HubFixtures f;
  private IoTHub hub;
  private Region westus2;
  private RegistryStore registry;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    f = new HubFixtures(h);
    hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    westus2 = h.settings().regions().find("westus2").orElseThrow();
    registry = new RegistryStore(h.client());
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void aDeviceGetsAKeyInTheHubNamespaceAndOnlyAHashInTheRegistry() {
    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();

    Device device = awaitReason("thermostat-1", "Registered");
    assertThat(device.getStatus().getRegistered()).isTrue();
    assertThat(device.getStatus().getDeviceId()).isEqualTo("thermostat-1");
    Secret secret = h.client().secrets().inNamespace(NS).withName("thermostat-1-key").get();
    String key = decode(secret.getData().get("primaryKey"));
    assertThat(decode(secret.getData().get("connectionString")))
        .isEqualTo(
            "HostName=contoso-hub.manlfailrg.svc.cluster.local;DeviceId=thermostat-1;SharedAccessKey="
                + key);
    assertThat(secret.getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(device.getMetadata().getUid());

    DeviceRecord record = registry.find(hub, westus2, "thermostat-1");
    assertThat(record.enabled()).isTrue();
    assertThat(PasswordHashes.verify(key, record.credentialHash())).isTrue();
    // No region namespace holds the key itself.
    for (String ns : new String[] {"iothub-westus2", "iothub-westcentralus"}) {
      for (Secret s : h.client().secrets().inNamespace(ns).list().getItems()) {
        for (String value : s.getData().values()) {
          assertThat(decodeLoosely(value)).doesNotContain(key);
        }
      }
    }
    // Reconciling again writes nothing new: the stored hash still verifies the key.
    String hash = record.credentialHash();
    h.restart();
    awaitReason("thermostat-1", "Registered");
    assertThat(registry.find(hub, westus2, "thermostat-1").credentialHash()).isEqualTo(hash);
  }

  @Test
  void disablingAndDeletingReachTheRegistry() {
    Device device =
        h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    awaitReason("thermostat-1", "Registered");

    device = h.client().resources(Device.class).inNamespace(NS).withName("thermostat-1").get();
    device.getSpec().setEnabled(false);
    h.client().resource(device).update();
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> !registry.find(hub, westus2, "thermostat-1").enabled());

    h.client().resource(device).delete();
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> registry.find(hub, westus2, "thermostat-1") == null);
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> h.client().secrets().inNamespace(NS).withName("thermostat-1-key").get() == null);
  }

  @Test
  void aKeySecretSomeoneMadeUnderTheGeneratedNameOutlivesTheDevice() {
    Secret mine =
        h.client()
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("thermostat-1-key")
                    .withNamespace(NS)
                    .endMetadata()
                    .withData(Map.of("primaryKey", encode("restored-key")))
                    .build())
            .create();
    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    awaitReason("thermostat-1", "Registered");
    assertThat(
            PasswordHashes.verify(
                "restored-key", registry.find(hub, westus2, "thermostat-1").credentialHash()))
        .isTrue();

    h.client().resources(Device.class).inNamespace(NS).withName("thermostat-1").delete();
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> registry.find(hub, westus2, "thermostat-1") == null);
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                h.client().resources(Device.class).inNamespace(NS).withName("thermostat-1").get()
                    == null);
    Secret kept = h.client().secrets().inNamespace(NS).withName("thermostat-1-key").get();
    assertThat(kept).isNotNull();
    assertThat(kept.getMetadata().getResourceVersion())
        .isEqualTo(mine.getMetadata().getResourceVersion());
  }

  @Test
  void aNamedSecretIsUsedAndNeverChanged() {
    h.client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("my-key")
                .withNamespace(NS)
                .endMetadata()
                .withData(Map.of("primaryKey", encode("s3cret-key")))
                .build())
        .create();
    Device device = h.load("fixtures/devices/thermostat.yaml", Device.class);
    device.getSpec().setKeySecretName("my-key");
    device.getSpec().setDeviceId("sensor-42");
    h.client().resource(device).create();

    awaitReason("thermostat-1", "Registered");
    assertThat(
            PasswordHashes.verify(
                "s3cret-key", registry.find(hub, westus2, "sensor-42").credentialHash()))
        .isTrue();
    assertThat(h.client().secrets().inNamespace(NS).withName("thermostat-1-key").get()).isNull();
  }

  @Test
  void clearReasonsForAMissingHubSecretOrADuplicateId() {
    Device lost = h.load("fixtures/devices/thermostat.yaml", Device.class);
    lost.getMetadata().setName("lost");
    lost.getSpec().setHubName("no-such-hub");
    h.client().resource(lost).create();
    assertThat(awaitReason("lost", "HubNotFound").getStatus().getMessage())
        .contains("There is no IoTHub named no-such-hub");

    Device noSecret = h.load("fixtures/devices/thermostat.yaml", Device.class);
    noSecret.getMetadata().setName("no-secret");
    noSecret.getSpec().setKeySecretName("missing");
    h.client().resource(noSecret).create();
    assertThat(awaitReason("no-secret", "KeySecretNotFound").getStatus().getMessage())
        .contains("Secret missing");

    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    awaitReason("thermostat-1", "Registered");
    Device twin = h.load("fixtures/devices/thermostat.yaml", Device.class);
    twin.setMetadata(new ObjectMetaBuilder().withName("thermostat-copy").withNamespace(NS).build());
    twin.getSpec().setDeviceId("thermostat-1");
    h.client().resource(twin).create();
    assertThat(awaitReason("thermostat-copy", "DuplicateDeviceId").getStatus().getMessage())
        .contains("Device thermostat-1 already registers device id thermostat-1");
  }

  @Test
  void idsTheBrokerWouldNotServeAsTheDeviceAreRefusedAndNothingIsStored() {
    // Named like the operator's probe user, no deviceId: the name is the id.
    Device probe = h.load("fixtures/devices/thermostat.yaml", Device.class);
    probe.getMetadata().setName("iothub-probe");
    h.client().resource(probe).create();
    // Names may be 253 characters; device ids 128.
    Device longName = h.load("fixtures/devices/thermostat.yaml", Device.class);
    longName.getMetadata().setName("d".repeat(129));
    longName.getSpec().setDeviceId(null);
    h.client().resource(longName).create();

    Device refused = awaitReason("iothub-probe", "DeviceIdRefused");
    assertThat(refused.getStatus().getRegistered()).isFalse();
    assertThat(refused.getStatus().getMessage())
        .isEqualTo(
            "The device id (the Device's name) is the name of one of the operator's own broker"
                + " users (iothub-backend, iothub-probe), so the broker would not let the device in"
                + " as itself. Create a Device with another deviceId; nothing was registered.");
    assertThat(awaitReason("d".repeat(129), "DeviceIdRefused").getStatus().getMessage())
        .contains("is longer than 128 characters");
    assertThat(registry.find(hub, westus2, "iothub-probe")).isNull();
    assertThat(h.client().secrets().inNamespace(NS).withName("iothub-probe-key").get()).isNull();
  }

  @Test
  void aDeviceAddedDuringAFailoverIsRegisteredAfterItInTheNewRegion() {
    h.kubelet().breakNamespace("iothub-westcentralus");
    f.request("failover", "contoso-hub", "contoso-hub");
    f.awaitPhase("failover", RequestPhase.Running);

    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    Device waiting = awaitReason("thermostat-1", "RegistryFrozen");
    assertThat(waiting.getStatus().getMessage()).contains("applied when it completes");

    h.kubelet().repair("iothub-westcentralus");
    f.awaitPhase("failover", RequestPhase.Succeeded);
    awaitReason("thermostat-1", "Registered");
    Region westcentralus = h.settings().regions().find("westcentralus").orElseThrow();
    assertThat(registry.find(hub, westcentralus, "thermostat-1")).isNotNull();
  }

  private Device awaitReason(String name, String reason) {
    await()
        .atMost(HubFixtures.WAIT)
        .until(
            () -> {
              Device d = h.client().resources(Device.class).inNamespace(NS).withName(name).get();
              return d != null && d.getStatus() != null && reason.equals(d.getStatus().getReason());
            });
    return h.client().resources(Device.class).inNamespace(NS).withName(name).get();
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static String decodeLoosely(String base64) {
    byte[] bytes = Base64.getDecoder().decode(base64);
    try {
      return new String(RegistryShard.decompress(bytes), StandardCharsets.UTF_8);
    } catch (RuntimeException notGzip) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
