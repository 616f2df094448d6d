package dev.iothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The main command's verdict on each way a cluster can be unusable: exit code and message. */
class ClusterPreflightTest {
  private static final String TRIED = "server https://10.0.0.1:6443/, context prod of /k/config";

  private static ClusterPreflight.Failure verdict(KubernetesClientException e) {
    ClusterPreflight.Failure f = ClusterPreflight.translate(e, TRIED);
    assertThat(f.message().lines().count()).as(f.message()).isBetween(2L, 5L);
    assertThat(f.message()).contains(TRIED).endsWith(ClusterPreflight.tutorialHint());
    return f;
  }

  @Test
  void unreachableUnknownHostAndStaleCaAreNoCluster() {
    ClusterPreflight.Failure refused =
        verdict(new KubernetesClientException("x", new ConnectException("Connection refused")));
    assertThat(refused.exitCode()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(refused.message())
        .startsWith("iothub-operator: cannot reach the Kubernetes API server, " + TRIED)
        .contains("Connection refused");

    ClusterPreflight.Failure unknown =
        verdict(new KubernetesClientException("x", new UnknownHostException("gone.example")));
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(unknown.message()).contains("UnknownHostException: gone.example");

    ClusterPreflight.Failure tls =
        verdict(
            new KubernetesClientException(
                "x", new SSLHandshakeException("PKIX path building failed")));
    assertThat(tls.exitCode()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(tls.message()).contains("TLS").contains("stale");
  }

  @Test
  void eachAnswerOfTheServerHasItsCode() {
    assertThat(verdict(answer(401)).exitCode()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(verdict(answer(403)).exitCode()).isEqualTo(ExitCodes.API_ERROR);
    ClusterPreflight.Failure missing = verdict(answer(404));
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.CRDS_NOT_INSTALLED);
    assertThat(missing.message()).contains("kubectl apply -f ").contains("crds/");
    ClusterPreflight.Failure broken = verdict(answer(500));
    assertThat(broken.exitCode()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(broken.message()).contains("answered 500").contains("etcd is down");
  }

  @Test
  void whatWasTriedNamesServerAndContextButNoCredentials() {
    String tried =
        ClusterPreflight.tried(
            new ConfigBuilder()
                .withMasterUrl("https://10.0.0.1:6443/")
                .withOauthToken("secret-token")
                .build());
    assertThat(tried).startsWith("server https://10.0.0.1:6443/").doesNotContain("secret-token");
  }

  private static KubernetesClientException answer(int code) {
    return new KubernetesClientException(
        new StatusBuilder().withCode(code).withMessage("etcd is down").build());
  }
}
