package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.MosquittoConfig;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.ObjectWriter;
import dev.iothub.operator.objects.Owners;
import dev.iothub.operator.region.Region;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The hub's stable endpoint: a Service named after the hub in the hub namespace, an alias (DNS
 * CNAME) of the broker Service of the active region. Devices keep one host name across failovers;
 * switching regions rewrites one field. An alias, unlike a Service with endpoints, also works once
 * a region lives in another cluster.
 */
public final class StableEndpoint {
  private final KubernetesClient client;
  private final ObjectWriter writer;
  private final String clusterDomain;

  public StableEndpoint(KubernetesClient client, String clusterDomain) {
    this.client = client;
    this.writer = new ObjectWriter(client);
    this.clusterDomain = clusterDomain;
  }

  /** Host name of the hub; the DNS name of the stable Service. */
  public String hostName(IoTHub hub) {
    return HubNames.endpoint(hub)
        + "."
        + hub.getMetadata().getNamespace()
        + ".svc."
        + clusterDomain;
  }

  /** Host name of the broker Service of a hub in a region. */
  public String regionHostName(IoTHub hub, Region region) {
    return HubNames.broker(hub) + "." + region.namespace() + ".svc." + clusterDomain;
  }

  public void pointAt(IoTHub hub, Region region) {
    writer.apply(desired(hub, region), s -> s.getSpec().getExternalName());
  }

  /** The region the endpoint points at now, or null when it does not exist yet. */
  public String currentTarget(IoTHub hub) {
    Service s =
        client
            .services()
            .inNamespace(hub.getMetadata().getNamespace())
            .withName(HubNames.endpoint(hub))
            .get();
    return s == null || s.getMetadata().getLabels() == null
        ? null
        : s.getMetadata().getLabels().get(HubNames.REGION);
  }

  Service desired(IoTHub hub, Region region) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(HubNames.endpoint(hub))
        .withNamespace(hub.getMetadata().getNamespace())
        .withLabels(HubNames.ownerLabels(hub))
        .addToLabels(HubNames.COMPONENT, "endpoint")
        .addToLabels(HubNames.REGION, region.id())
        .withOwnerReferences(Owners.controllerBuilder(hub).withBlockOwnerDeletion(false).build())
        .endMetadata()
        .withNewSpec()
        .withType("ExternalName")
        .withExternalName(regionHostName(hub, region))
        .addNewPort()
        .withName("mqtts")
        .withProtocol("TCP")
        .withPort(MosquittoConfig.MQTT_PORT)
        .endPort()
        .endSpec()
        .build();
  }
}
