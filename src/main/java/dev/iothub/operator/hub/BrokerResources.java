package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.BrokerSpec;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RegistryStatus;
import dev.iothub.operator.broker.AclFile;
import dev.iothub.operator.broker.BrokerSizing;
import dev.iothub.operator.broker.MosquittoConfig;
import dev.iothub.operator.broker.PasswordFile;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.ObjectWriter;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
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
  public static final String FRAGMENTS_DIR = "/mosquitto/fragments";

  /** The service users' lines in the projected volume; the shards follow as shard-N.jsonl.gz. */
  public static final String SERVICE_LINES = "0-services";

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
        // A public host name needs an address outside the cluster to point at (PublicEndpoint).
        .withType(hub.getSpec().publicHostName() == null ? "ClusterIP" : "LoadBalancer")
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
    BrokerSizing sizing = sizing(hub);
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
        .addToInitContainers(helper(hub, sizing, "assemble-passwords", ASSEMBLE))
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
        .withResources(resources(hub, sizing))
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
        .addToContainers(helper(hub, sizing, "auth-reloader", RELOAD))
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
        .withSizeLimit(sizing.authVolumeLimit())
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
   * The version of the fragments the live password file was assembled from: the name the projected
   * volume's {@code ..data} link pointed to when the assembly began.
   */
  static final String ASSEMBLED = MosquittoConfig.AUTH_DIR + "/assembled";

  /**
   * The password file is assembled in the pod from the service users' lines and the registry shards
   * themselves (see {@link PasswordFile}): once before mosquitto starts, then whenever the kubelet
   * updates the projected Secrets; mosquitto rereads password and ACL files on SIGHUP without
   * dropping connections, so added, disabled and removed devices take effect with no restart.
   *
   * <p>The kubelet writes a projected volume atomically: each file is a link into {@code ..data},
   * itself a link to a timestamped directory, and an update writes a new directory and swaps {@code
   * ..data} in one rename. The assembly reads the files through the directory that {@code ..data}
   * named when it began, so it joins one consistent set, and records that name last: a swap during
   * the assembly leaves the older name recorded, and the reloader assembles again. Each shard is
   * unpacked to a file before its lines are taken (a pipe would hide a failed unpacking), and any
   * failure (the directory removed meanwhile, the volume full) ends the subshell: nothing is
   * recorded and the live file stays as it was.
   */
  public static final String ASSEMBLE =
      "(v=$(readlink "
          + FRAGMENTS_DIR
          + "/..data) && d=\""
          + FRAGMENTS_DIR
          + "/$v\" && cat \"$d/"
          + SERVICE_LINES
          + "\" > "
          + PASSWORDS
          + ".new && for f in \"$d\"/shard-*.jsonl.gz; do if [ -e \"$f\" ]; then gunzip -c \"$f\" > "
          + PASSWORDS
          + ".part && awk -F'\"' '"
          + PasswordFile.LINES_FROM_SHARD
          + "' "
          + PASSWORDS
          + ".part >> "
          + PASSWORDS
          + ".new || exit 1; fi; done && rm -f "
          + PASSWORDS
          + ".part && mv "
          + PASSWORDS
          + ".new "
          + PASSWORDS
          + " && echo \"$v\" > "
          + ASSEMBLED
          + ")";

  /** How the reloader tells mosquitto (in the pod's shared PID namespace) to reread its files. */
  public static final String SIGNAL = "pkill -HUP -x mosquitto";

  /** Seconds between two looks of the reloader at the projected volume. */
  static final int RELOAD_POLL_SECONDS = 5;

  /**
   * Each turn costs O(1) whatever the fleet: it compares the name {@code ..data} points to with the
   * one the live file was assembled from, and only when they differ assembles and signals. So the
   * Device changes of one kubelet update, and of every update within one turn, become one reload,
   * applied at most {@link #RELOAD_POLL_SECONDS} plus the assembly (about 7 s at 1,000,000 devices)
   * and mosquitto's reload (about 4 s, docs/benchmarks.md) after the kubelet swapped the volume;
   * when the kubelet does that after a Secret changed is its own sync period, outside the
   * operator's control. The init container recorded the name it assembled from: a swap after it,
   * even before this loop first looked, is applied. A signal that could not be sent (mosquitto
   * restarting) is sent on the next turn.
   */
  static final String RELOAD =
      "hup=; while true; do sleep "
          + RELOAD_POLL_SECONDS
          + "; last=; read -r last < "
          + ASSEMBLED
          + "; if [ \"$(readlink "
          + FRAGMENTS_DIR
          + "/..data)\" != \"$last\" ]; then "
          + ASSEMBLE
          + " && hup=1; fi; if [ -n \"$hup\" ] && "
          + SIGNAL
          + "; then hup=; fi; done";

  private static io.fabric8.kubernetes.api.model.Container helper(
      IoTHub hub, BrokerSizing sizing, String name, String script) {
    return new io.fabric8.kubernetes.api.model.ContainerBuilder()
        .withName(name)
        .withImage(image(hub))
        .withCommand("/bin/sh", "-c", script)
        .withResources(sizing.helper())
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
    sources.add(
        projected(
            BrokerAuth.serviceFragment(hub), MosquittoConfig.PASSWORD_FILE_NAME, SERVICE_LINES));
    for (int i = 0; i < RegistryStore.shardCount(hub); i++) {
      sources.add(projected(RegistryStore.shardName(hub, i), RegistryStore.DATA_KEY, shardFile(i)));
    }
    return sources;
  }

  /** The file of registry shard {@code index} in the projected volume. */
  public static String shardFile(int index) {
    return "shard-" + index + ".jsonl.gz";
  }

  private static io.fabric8.kubernetes.api.model.VolumeProjection projected(
      String secret, String key, String path) {
    // Optional: a shard index the registry has no shard for yet.
    return new io.fabric8.kubernetes.api.model.VolumeProjectionBuilder()
        .withNewSecret()
        .withName(secret)
        .withOptional(true)
        .addNewItem()
        .withKey(key)
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

  /** mosquitto's: sized from the fleet, the user's {@code spec.broker.resources} over them. */
  private static ResourceRequirements resources(IoTHub hub, BrokerSizing sizing) {
    BrokerSpec broker = hub.getSpec().getBroker();
    return sizing.broker(broker == null ? null : broker.getResources());
  }

  /** The step of the hub's fleet as last counted: a new step rolls the broker pods. */
  static BrokerSizing sizing(IoTHub hub) {
    RegistryStatus registry = hub.getStatus() == null ? null : hub.getStatus().getRegistry();
    Long devices = registry == null ? null : registry.getDevices();
    return BrokerSizing.forDevices(devices == null ? 0 : devices);
  }
}
