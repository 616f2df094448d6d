package dev.iothub.operator.objects;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.embedded.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SecretMetadataMockTest {
  private EmbeddedApiServer server;

  @BeforeEach
  void start() {
    server = EmbeddedApiServer.start();
    server.createNamespaces(List.of("ns"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void listsPagesOfMetadataWithoutData() {
    for (int i = 0; i < 20; i++) {
      server
          .client()
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("s-" + i)
                  .withNamespace("ns")
                  .addToLabels("app", "x")
                  .addToAnnotations("n", "" + i)
                  .endMetadata()
                  .withData(Map.of("k", "aGVsbG8="))
                  .build())
          .create();
    }
    List<Secret> listed = SecretMetadata.list(server.client(), "ns", "app=x");
    assertThat(listed).hasSize(20).allMatch(s -> s.getData() == null || s.getData().isEmpty());
    Secret patched =
        SecretMetadata.patch(
            server.client(), "ns", "s-3", "{\"metadata\":{\"annotations\":{\"n\":\"x\"}}}");
    assertThat(patched.getMetadata().getAnnotations()).containsEntry("n", "x");
    assertThat(server.client().secrets().inNamespace("ns").withName("s-3").get().getData())
        .containsEntry("k", "aGVsbG8=");
    assertThat(SecretMetadata.get(server.client(), "ns", "nope")).isNull();
  }
}
