package dev.iothub.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class WithoutManagedFieldsTest {
  private static final String DEPLOYMENT =
      """
      {"apiVersion": "apps/v1", "kind": "Deployment",
       "metadata": {"name": "mqtt", "namespace": "iothub-westus2", "resourceVersion": "42",
         "labels": {"app": "mqtt"},
         "managedFields": [{"manager": "iothub-operator", "operation": "Update",
           "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]},
       "spec": {"replicas": 2}}
      """;

  @Test
  void objectsAreReadWithoutManagedFieldsAndWrittenWithout() {
    ObjectMapper mapper = new ObjectMapper();
    new WithoutManagedFields().customize(mapper);
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, true);

    Deployment read = serialization.unmarshal(DEPLOYMENT, Deployment.class);

    assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(read.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(read.getMetadata().getLabels()).containsEntry("app", "mqtt");
    assertThat(read.getSpec().getReplicas()).isEqualTo(2);
    assertThat(serialization.asJson(read))
        .doesNotContain("managedFields")
        .contains("\"replicas\":2");
    // Without the customizer the same text keeps them: the check above can fail.
    assertThat(
            new KubernetesSerialization()
                .unmarshal(DEPLOYMENT, Deployment.class)
                .getMetadata()
                .getManagedFields())
        .hasSize(1);
  }
}
