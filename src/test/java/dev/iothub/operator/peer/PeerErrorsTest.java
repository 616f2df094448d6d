package dev.iothub.operator.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class PeerErrorsTest {
  private static final PeerReach NAMED =
      new PeerReach(
          "east",
          "10.0.0.1:6443",
          "iothub-system/east-kubeconfig",
          PeerReach.Verdict.Reachable,
          null);

  @Test
  void aRefusedTokenIsARefusalThatNamesTheSecretNotAnOutage() {
    PeerReach r =
        PeerErrors.verdict(
            NAMED, "iothub-eastus", new KubernetesClientException("Unauthorized", 401, null));
    assertThat(r.verdict()).isEqualTo(PeerReach.Verdict.PeerCredentialsRefused);
    assertThat(r.reachable()).isFalse();
    assertThat(r.message())
        .contains("Cluster east (10.0.0.1:6443)")
        .contains("iothub-system/east-kubeconfig")
        .contains("401");
  }

  @Test
  void aForbiddenListNamesTheNamespaceAndTheRoleToBind() {
    PeerReach r =
        PeerErrors.verdict(
            NAMED, "iothub-eastus", new KubernetesClientException("Forbidden", 403, null));
    assertThat(r.verdict()).isEqualTo(PeerReach.Verdict.PeerCredentialsRefused);
    assertThat(r.message()).contains("403").contains("iothub-eastus").contains("peer-reader");
  }

  @Test
  void aConnectionErrorIsUnreachableWithItsRootCause() {
    KubernetesClientException e =
        new KubernetesClientException(
            "Failure executing: GET at: https://10.0.0.1:6443/apis/apps/v1/namespaces/x/deployments",
            new java.io.IOException("wrapped", new ConnectException("Connection refused")));
    PeerReach r = PeerErrors.verdict(NAMED, "iothub-eastus", e);
    assertThat(r.verdict()).isEqualTo(PeerReach.Verdict.PeerUnreachable);
    assertThat(r.message())
        .contains("does not answer: ConnectException: Connection refused")
        .doesNotContain("Failure executing");
  }

  @Test
  void aServerErrorIsUnreachableWithItsCode() {
    PeerReach r =
        PeerErrors.verdict(NAMED, "ns", new KubernetesClientException("etcd is down", 503, null));
    assertThat(r.verdict()).isEqualTo(PeerReach.Verdict.PeerUnreachable);
    assertThat(r.message()).contains("HTTP 503").doesNotContain("etcd is down");
  }

  @Test
  void theServerIsShownAsHostAndPort() {
    assertThat(PeerReach.hostOf("https://127.0.0.1:16453")).isEqualTo("127.0.0.1:16453");
    assertThat(PeerReach.hostOf("https://api.east.example.com/")).isEqualTo("api.east.example.com");
    assertThat(PeerReach.hostOf("not a url")).isEqualTo("not a url");
  }
}
