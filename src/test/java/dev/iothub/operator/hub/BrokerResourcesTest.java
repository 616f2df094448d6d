package dev.iothub.operator.hub;

import static dev.iothub.operator.hub.TestHubs.hub;
import static dev.iothub.operator.hub.TestHubs.region;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.BrokerSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.RegistryStatus;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

class BrokerResourcesTest {
  @Test
  void theBrokerPodIsSizedFromTheFleetAndChangesOnlyWhenTheFleetCrossesAStep() {
    PodSpec small = pod(deployment(null));
    assertThat(auth(small)).isEqualTo(new Quantity("64Mi"));
    assertThat(container(small, "auth-reloader").getResources().getLimits().get("memory"))
        .isEqualTo(new Quantity("64Mi"));

    Deployment atMillion = deployment(1_000_000L);
    PodSpec million = pod(atMillion);
    // 1,048,576 lines of at most 256 bytes, twice (the new file and the live one), and the shell.
    assertThat(auth(million)).isEqualTo(new Quantity("544Mi"));
    assertThat(million.getInitContainers().get(0).getResources().getLimits().get("memory"))
        .isEqualTo(new Quantity("544Mi"));
    assertThat(container(million, "auth-reloader").getResources().getLimits().get("memory"))
        .isEqualTo(new Quantity("544Mi"));
    assertThat(container(million, "mosquitto").getResources().getRequests().get("memory"))
        .isEqualTo(new Quantity("352Mi"));

    // One device more or fewer within the step: the very same Deployment, no roll.
    assertThat(deployment(600_000L)).isEqualTo(atMillion);
    assertThat(deployment(1_048_577L)).isNotEqualTo(atMillion);
  }

  @Test
  void theUsersBrokerResourcesWinOverTheComputedOnes() {
    IoTHub hub = hub("westus2");
    BrokerSpec broker = new BrokerSpec();
    broker.setResources(
        new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("3Gi")).build());
    hub.getSpec().setBroker(broker);
    withDevices(hub, 1_000_000L);
    Container mosquitto =
        container(pod(BrokerResources.deployment(hub, region("westus2"), 1)), "mosquitto");
    assertThat(mosquitto.getResources().getLimits().get("memory")).isEqualTo(new Quantity("3Gi"));
    assertThat(mosquitto.getResources().getRequests().get("memory"))
        .isEqualTo(new Quantity("352Mi"));
  }

  @Test
  void theReloaderLooksAtTheVolumesVersionNotAtTheShards() {
    // Each turn: a readlink and a read of one line; the shards are read only to assemble.
    String turn = BrokerResources.RELOAD.substring(0, BrokerResources.RELOAD.indexOf(" then "));
    assertThat(turn).contains("readlink /mosquitto/fragments/..data").doesNotContain("cat ");
    assertThat(turn).doesNotContain("md5sum");
    // The assembly reads one version of the volume and records it last (PodPasswordAssemblyIT
    // runs it).
    assertThat(BrokerResources.ASSEMBLE)
        .startsWith("(v=$(readlink /mosquitto/fragments/..data) && d=\"/mosquitto/fragments/$v\"")
        .endsWith("echo \"$v\" > /mosquitto/auth/assembled)");
  }

  private static Deployment deployment(Long devices) {
    IoTHub hub = hub("westus2");
    withDevices(hub, devices);
    return BrokerResources.deployment(hub, region("westus2"), 1);
  }

  private static void withDevices(IoTHub hub, Long devices) {
    if (devices == null) {
      return;
    }
    RegistryStatus registry = new RegistryStatus();
    registry.setDevices(devices);
    IoTHubStatus status = new IoTHubStatus();
    status.setRegistry(registry);
    hub.setStatus(status);
  }

  private static PodSpec pod(Deployment d) {
    return d.getSpec().getTemplate().getSpec();
  }

  private static Quantity auth(PodSpec pod) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals("auth"))
        .findFirst()
        .orElseThrow()
        .getEmptyDir()
        .getSizeLimit();
  }

  private static Container container(PodSpec pod, String name) {
    return pod.getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
