package dev.iothub.operator.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnershipTest {
  static final String UID = "11111111-aaaa";

  @Test
  void objectsMarkedWithTheHubsUidOrControllerAreOurs() {
    assertThat(ours(object(labels(UID), null))).isTrue();
    assertThat(ours(object(Map.of(), UID))).isTrue();
  }

  @Test
  void objectsOfAnOlderReleaseWithTheHubsThreeLabelsAreAdopted() {
    assertThat(ours(object(labels(null), null))).isTrue();
  }

  @Test
  void anythingElseIsForeign() {
    // No labels at all: the ClusterIP Service someone made before the hub.
    assertThat(ours(object(Map.of(), null))).isFalse();
    // Another hub's uid, in the label or as controller: a hub of the same name deleted earlier.
    assertThat(ours(object(labels("22222222-bbbb"), null))).isFalse();
    assertThat(ours(object(labels(null), "22222222-bbbb"))).isFalse();
    // The operator's labels for another hub name or namespace.
    Map<String, String> otherHub = labels(null);
    otherHub.put(HubNames.HUB_NAME, "fabrikam-hub");
    assertThat(ours(object(otherHub, null))).isFalse();
    Map<String, String> otherNamespace = labels(null);
    otherNamespace.put(HubNames.HUB_NAMESPACE, "elsewhere");
    assertThat(ours(object(otherNamespace, null))).isFalse();
    // The hub's name labels without the operator's managed-by: not ours to adopt.
    Map<String, String> notManaged = labels(null);
    notManaged.remove(HubNames.MANAGED_BY);
    assertThat(ours(object(notManaged, null))).isFalse();
  }

  @Test
  void theConflictNamesTheObjectAndWhatToDo() {
    ConfigMap desired = object(labels(UID), null);
    assertThatThrownBy(() -> Ownership.requireOurs(object(labels("22222222-bbbb"), null), desired))
        .isInstanceOf(NameConflictException.class)
        .hasMessage(
            "ConfigMap iothub-westus2/mqtt-contoso-hub already exists and belongs to another owner"
                + " (uid 22222222-bbbb); the operator leaves it untouched. Rename or delete it"
                + " (kubectl delete configmap -n iothub-westus2 mqtt-contoso-hub), or give the hub"
                + " another name; the operator retries.");
    Ownership.requireOurs(object(labels(null), null), desired);
  }

  private static boolean ours(ConfigMap o) {
    return Ownership.isOurs(o, UID, "contoso-hub", "manlfailrg");
  }

  private static Map<String, String> labels(String uid) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(HubNames.MANAGED_BY, HubNames.OPERATOR);
    labels.put(HubNames.HUB_NAME, "contoso-hub");
    labels.put(HubNames.HUB_NAMESPACE, "manlfailrg");
    if (uid != null) {
      labels.put(HubNames.HUB_UID, uid);
    }
    return labels;
  }

  private static ConfigMap object(Map<String, String> labels, String controllerUid) {
    ConfigMapBuilder b =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("mqtt-contoso-hub")
            .withNamespace("iothub-westus2")
            .withLabels(labels)
            .endMetadata();
    if (controllerUid != null) {
      b.editMetadata()
          .addToOwnerReferences(
              new OwnerReferenceBuilder()
                  .withKind("IoTHub")
                  .withName("contoso-hub")
                  .withUid(controllerUid)
                  .withController(true)
                  .build())
          .endMetadata();
    }
    return b.build();
  }
}
