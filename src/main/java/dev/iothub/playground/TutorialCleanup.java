package dev.iothub.playground;

import static dev.iothub.playground.Tutorial.HUB;
import static dev.iothub.playground.Tutorial.NAMESPACE;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.region.Region;
import dev.iothub.playground.Tutorial.Stop;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tutorial's last step: delete the resource group. The embedded API server has no namespace
 * controller, so this plays it (SIMULATED, and said so): it deletes what the namespace holds, and
 * the operator's finalizer then removes the hub's objects from both region namespaces, as on a
 * cluster. What is left of the hub in the regions stops the tutorial.
 */
final class TutorialCleanup {
  private final KubernetesClient client;
  private final PrintStream out;
  private final Duration wait;

  TutorialCleanup(KubernetesClient client, PrintStream out, Duration wait) {
    this.client = client;
    this.out = out;
    this.wait = wait;
  }

  void deleteResourceGroup(List<Region> regions) throws InterruptedException {
    out.println("$ kubectl delete namespace " + NAMESPACE);
    out.println("namespace \"" + NAMESPACE + "\" deleted");
    out.println("  (SIMULATED: the namespace controller deletes the hub, requests, devices, keys)");
    // Our resources first, as the namespace controller does; the hub waits for its finalizer.
    for (Class<? extends HasMetadata> kind :
        List.of(FailoverRequest.class, Device.class, DeviceImport.class, IoTHub.class)) {
      client.resources(kind).inNamespace(NAMESPACE).delete();
    }
    awaitGone();
    client.secrets().inNamespace(NAMESPACE).delete();
    client.services().inNamespace(NAMESPACE).delete();
    client.configMaps().inNamespace(NAMESPACE).delete();
    client.namespaces().withName(NAMESPACE).delete();
    out.println("The hub's finalizer removed its brokers, registry and certificates from both");
    out.println("regions before the hub went:");
    List<String> shared = new ArrayList<>();
    for (Region region : regions) {
      List<String> left = leftOf(region.namespace());
      if (!left.isEmpty()) {
        throw new Stop(region.namespace() + " still holds " + String.join(", ", left));
      }
      out.println(
          "$ kubectl get deployments,services,configmaps,secrets -n "
              + region.namespace()
              + " -l "
              + HubNames.HUB_NAME
              + "="
              + HUB);
      out.println("No resources found in " + region.namespace() + " namespace.");
      shared.add(region.namespace());
    }
    out.println("What remains: the namespaces " + String.join(" and ", shared) + ",");
    out.println("which every hub of those regions shares (kubectl delete namespace to remove");
    out.println("them), the CRDs and the operator.");
  }

  private void awaitGone() throws InterruptedException {
    Instant deadline = Instant.now().plus(wait);
    while (Instant.now().isBefore(deadline)) {
      if (client.resources(IoTHub.class).inNamespace(NAMESPACE).withName(HUB).get() == null
          && client.resources(Device.class).inNamespace(NAMESPACE).list().getItems().isEmpty()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new Stop(
        "waited " + wait.toSeconds() + " s for the hub and its devices to go (finalizers)");
  }

  private List<String> leftOf(String namespace) {
    return Stream.<List<? extends HasMetadata>>of(
            client
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withLabel(HubNames.HUB_NAME, HUB)
                .list()
                .getItems(),
            client
                .services()
                .inNamespace(namespace)
                .withLabel(HubNames.HUB_NAME, HUB)
                .list()
                .getItems(),
            client
                .configMaps()
                .inNamespace(namespace)
                .withLabel(HubNames.HUB_NAME, HUB)
                .list()
                .getItems(),
            client
                .secrets()
                .inNamespace(namespace)
                .withLabel(HubNames.HUB_NAME, HUB)
                .list()
                .getItems())
        .flatMap(List::stream)
        .map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .toList();
  }
}
