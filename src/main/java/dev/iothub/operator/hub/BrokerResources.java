package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.BrokerSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.MosquittoConfig;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;

/** The desired broker objects of a hub in one region: a pure function of the hub and the plan. */
public final class BrokerResources {
  /** The uid of the {@code mosquitto} user of the Eclipse Mosquitto image. */
  static final long MOSQUITTO_UID = 1883L;

  static final String CONFIG_HASH = "iothub.dev/config-hash";

  private BrokerResources() {}

  public static ConfigMap config(IoTHub hub, Region region) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(HubNames.broker(hub))
        .withNamespace(region.namespace())
        .withLabels(HubNames.brokerLabels(hub, region.id()))
        .endMetadata()
        .withData(Map.of(MosquittoConfig.FILE_NAME, MosquittoConfig.render()))
        .build();
  }

  public static Service service(IoTHub hub, Region region) {
    Map<String, String> labels = HubNames.brokerLabels(hub, region.id());
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(HubNames.broker(hub))
        .withNamespace(region.namespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector(hub))
        .addNewPort()
        .withName("mqtts")
        .withProtocol("TCP")
        .withPort(MosquittoConfig.MQTT_PORT)
        .withTargetPort(new IntOrString("mqtts"))
        .endPort()
        .endSpec()
        .build();
  }

  public static Deployment deployment(IoTHub hub, Region region, int replicas) {
    Map<String, String> labels = HubNames.brokerLabels(hub, region.id());
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(HubNames.broker(hub))
        .withNamespace(region.namespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(selector(hub))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(Map.of(CONFIG_HASH, ObjectWriter.hash(config(hub, region).getData())))
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(MOSQUITTO_UID)
        .withRunAsGroup(MOSQUITTO_UID)
        .withFsGroup(MOSQUITTO_UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("mosquitto")
        .withImage(image(hub))
        .withArgs("mosquitto", "-c", MosquittoConfig.CONFIG_DIR + "/" + MosquittoConfig.FILE_NAME)
        .addNewPort()
        .withName("mqtts")
        .withContainerPort(MosquittoConfig.MQTT_PORT)
        .withProtocol("TCP")
        .endPort()
        .withNewReadinessProbe()
        .withNewTcpSocket()
        .withPort(new IntOrString("mqtts"))
        .endTcpSocket()
        .withPeriodSeconds(5)
        .endReadinessProbe()
        .withNewLivenessProbe()
        .withNewTcpSocket()
        .withPort(new IntOrString("mqtts"))
        .endTcpSocket()
        .withPeriodSeconds(20)
        .endLivenessProbe()
        .withResources(resources(hub))
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("config")
        .withMountPath(MosquittoConfig.CONFIG_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("config")
        .withNewConfigMap()
        .withName(HubNames.broker(hub))
        .endConfigMap()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Map<String, String> selector(IoTHub hub) {
    return Map.of("app.kubernetes.io/instance", HubNames.broker(hub), HubNames.COMPONENT, "broker");
  }

  private static String image(IoTHub hub) {
    BrokerSpec broker = hub.getSpec().getBroker();
    return broker == null || broker.getImage() == null
        ? BrokerSpec.DEFAULT_IMAGE
        : broker.getImage();
  }

  private static ResourceRequirements resources(IoTHub hub) {
    BrokerSpec broker = hub.getSpec().getBroker();
    if (broker != null && broker.getResources() != null) {
      return broker.getResources();
    }
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("50m"))
        .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("32Mi"))
        .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi"))
        .build();
  }
}
