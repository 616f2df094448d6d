package dev.iothub.operator.controller;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.config.OperatorSettings;
import dev.iothub.operator.hub.HubRollout;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.Ownership;
import dev.iothub.operator.region.HubLocations;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import org.jboss.logging.Logger;

/** Removes what a deleted hub owns in both regions and its endpoint in the hub namespace. */
final class HubCleanup {
  private static final Logger LOG = Logger.getLogger(HubCleanup.class);

  private final KubernetesClient client;
  private final OperatorSettings settings;

  HubCleanup(KubernetesClient client, OperatorSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  void delete(IoTHub hub) {
    HubRollout rollout = new HubRollout(client, settings.clusterDomain());
    HubLocations.Resolution resolution = HubLocations.resolve(hub, settings.regions());
    if (resolution.locations() != null) {
      // A namespace that is already gone holds nothing: the deletes find nothing and succeed.
      rollout.deleteAll(hub, resolution.locations().primary());
      rollout.deleteAll(hub, resolution.locations().secondary());
    }
    try {
      var endpoint =
          client
              .services()
              .inNamespace(hub.getMetadata().getNamespace())
              .withName(HubNames.endpoint(hub));
      Service stored = endpoint.get();
      // A Service of that name that is not the hub's (a NameConflict) is not ours to delete.
      if (stored != null
          && Ownership.isOurs(
              stored,
              hub.getMetadata().getUid(),
              hub.getMetadata().getName(),
              hub.getMetadata().getNamespace())) {
        client.resource(stored).delete();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
        throw e;
      }
      // The operator's Role in the hub namespace is gone: the namespace is being deleted, and the
      // endpoint Service (owned by the hub) goes with it. The hub must still be released.
      LOG.infof(
          "%s/%s: endpoint Service left to the garbage collector (no right to delete it any more:"
              + " is the namespace being deleted?)",
          hub.getMetadata().getNamespace(), hub.getMetadata().getName());
    }
  }
}
