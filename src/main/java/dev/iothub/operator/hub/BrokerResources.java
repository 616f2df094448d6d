package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.BrokerSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.AclFile;
import dev.iothub.operator.broker.MosquittoConfig;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.ObjectWriter;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
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
  static final String FRAGMENTS_DIR = "/mosquitto/fragments";
  static final String PASSWORDS =
      MosquittoConfig.AUTH_DIR + "/" + MosquittoConfig.PASSWORD_FILE_NAME;

  private BrokerResources() {}

  public static ConfigMap config(IoTHub hub, Region region) {
    return new ConfigMapBuilder()
        .withMetadata(metadata(hub, region))
        .withData(
            Map.of(
                MosquittoConfig.FILE_NAME,
                MosquittoConfig.render(MosquittoConfig.Layout.inPod()),
                AclFile.FILE_NAME,
                BrokerAuth.acl()))
        .build();
  }

  /** Every container of a broker pod: no privilege, read-only root, no capability. */
  private static SecurityContext lockedDown() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }

  /** Name, namespace and labels of the hub's broker objects in a region: all share them. */
  private static ObjectMeta metadata(IoTHub hub, Region region) {
    return new ObjectMetaBuilder()
        .withName(HubNames.broker(hub))
        .withNamespace(region.namespace())
        .withLabels(HubNames.brokerLabels(hub, region.id()))
        .build();
  }

  public static Service service(IoTHub hub, Region region) {
    return new ServiceBuilder()
        .withMetadata(metadata(hub, region))
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
    // The uid marks the Deployment; on the pods it would only restart brokers of older releases.
    labels.remove(HubNames.HUB_UID);
    return new DeploymentBuilder()
        .withMetadata(metadata(hub, region))
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
        // The reloader signals mosquitto (SIGHUP) in the next container: same uid, shared PIDs.
        .withShareProcessNamespace(true)
        .addToInitContainers(helper(hub, "assemble-passwords", ASSEMBLE))
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
        .withSecurityContext(lockedDown())
        .addNewVolumeMount()
        .withName("config")
        .withMountPath(MosquittoConfig.CONFIG_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tls")
        .withMountPath(MosquittoConfig.TLS_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("auth")
        .withMountPath(MosquittoConfig.AUTH_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .endContainer()
        .addToContainers(helper(hub, "auth-reloader", RELOAD))
        .addNewVolume()
        .withName("config")
        .withNewConfigMap()
        .withName(HubNames.broker(hub))
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("tls")
        .withNewSecret()
        .withSecretName(BrokerAuth.tlsSecret(hub))
        .endSecret()
        .endVolume()
        .addNewVolume()
        .withName("auth")
        .withNewEmptyDir()
        .withMedium("Memory")
        .withSizeLimit(new Quantity("64Mi"))
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("fragments")
        .withNewProjected()
        .withSources(fragmentSources(hub))
        .endProjected()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The password file is assembled in the pod from fragments (one Secret per registry shard, so
   * each object stays small): once before mosquitto starts, then whenever the kubelet updates the
   * projected Secrets; mosquitto rereads password and ACL files on SIGHUP without dropping
   * connections, so added, disabled and removed devices take effect with no restart.
   */
  static final String ASSEMBLE =
      "cat "
          + FRAGMENTS_DIR
          + "/* > "
          + PASSWORDS
          + ".new && mv "
          + PASSWORDS
          + ".new "
          + PASSWORDS;

  /** How the reloader tells mosquitto (in the pod's shared PID namespace) to reread its files. */
  public static final String SIGNAL = "pkill -HUP -x mosquitto";

  /**
   * Compares the fragments with the live password file, which is their concatenation: a fragment
   * the kubelet changed after the init container assembled, even before this loop first looked, is
   * applied. (Comparing with what the loop saw first would keep such a change out until the next
   * one.) A signal that could not be sent (mosquitto restarting) is sent on the next turn.
   */
  static final String RELOAD =
      "hup=; while true; do sleep 5; if [ \"$(cat "
          + FRAGMENTS_DIR
          + "/* | md5sum)\" != \"$(md5sum < "
          + PASSWORDS
          + ")\" ]; then "
          + ASSEMBLE
          + " && hup=1; fi; if [ -n \"$hup\" ] && "
          + SIGNAL
          + "; then hup=; fi; done";

  private static io.fabric8.kubernetes.api.model.Container helper(
      IoTHub hub, String name, String script) {
    return new io.fabric8.kubernetes.api.model.ContainerBuilder()
        .withName(name)
        .withImage(image(hub))
        .withCommand("/bin/sh", "-c", script)
        .withNewResources()
        .addToRequests("cpu", new Quantity("5m"))
        .addToRequests("memory", new Quantity("8Mi"))
        .addToLimits("memory", new Quantity("64Mi"))
        .endResources()
        .withSecurityContext(lockedDown())
        .addNewVolumeMount()
        .withName("fragments")
        .withMountPath(FRAGMENTS_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("auth")
        .withMountPath(MosquittoConfig.AUTH_DIR)
        .endVolumeMount()
        .build();
  }

  private static java.util.List<io.fabric8.kubernetes.api.model.VolumeProjection> fragmentSources(
      IoTHub hub) {
    java.util.List<io.fabric8.kubernetes.api.model.VolumeProjection> sources =
        new java.util.ArrayList<>();
    sources.add(fragment(BrokerAuth.serviceFragment(hub), "0-services"));
    for (int i = 0; i < dev.iothub.operator.registry.RegistryStore.shardCount(hub); i++) {
      sources.add(fragment(BrokerAuth.shardFragment(hub, i), "shard-" + i));
    }
    return sources;
  }

  private static io.fabric8.kubernetes.api.model.VolumeProjection fragment(
      String secret, String path) {
    // Optional: a shard without devices has no fragment.
    return new io.fabric8.kubernetes.api.model.VolumeProjectionBuilder()
        .withNewSecret()
        .withName(secret)
        .withOptional(true)
        .addNewItem()
        .withKey(MosquittoConfig.PASSWORD_FILE_NAME)
        .withPath(path)
        .endItem()
        .endSecret()
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
        .addToRequests("cpu", new Quantity("50m"))
        .addToRequests("memory", new Quantity("32Mi"))
        .addToLimits("memory", new Quantity("256Mi"))
        .build();
  }
}
