package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.cli.ExitCodes;
import dev.iothub.cli.Launcher;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The main command with stale credentials on a real kube-apiserver: a kubeconfig whose server and
 * CA are right but whose token the server does not know (a revoked or expired token) ends within
 * seconds in one message naming the server, context and kubeconfig, with exit code 7. The operator
 * under the chart's ServiceAccount passing the same check is what every other *KubeIT that starts
 * OperatorProcess shows.
 */
class MainCommandKubeIT {
  @Test
  void aTokenTheServerDoesNotKnowIsRefusedInOneMessage() throws IOException {
    RealCluster cluster = RealCluster.get();
    Config admin = cluster.admin().getConfiguration();
    String ca =
        admin.getCaCertData() != null
            ? admin.getCaCertData()
            : Base64.getEncoder()
                .encodeToString(Files.readAllBytes(Path.of(admin.getCaCertFile())));
    Files.createDirectories(RealCluster.WORK);
    Path kubeconfig =
        Files.writeString(
            RealCluster.WORK.resolve("stale-token.kubeconfig"),
            String.join(
                "\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: real",
                "  cluster:",
                "    server: " + admin.getMasterUrl(),
                "    certificate-authority-data: " + ca,
                "users:",
                "- name: revoked",
                "  user: {token: revoked-or-expired-token}",
                "contexts:",
                "- name: stale",
                "  context: {cluster: real, user: revoked}",
                "current-context: stale",
                ""));
    Map<String, String> env = new HashMap<>();
    env.put("KUBECONFIG", kubeconfig.toString());
    for (String variable :
        List.of("KUBERNETES_SERVICE_HOST", "KUBERNETES_MASTER", "IOTHUB_EMBEDDED")) {
      env.put(variable, null);
    }

    Launcher.Result r =
        Launcher.run(
            List.of(Launcher.java(), "-jar", OperatorProcess.JAR.toString()),
            env,
            "",
            Duration.ofSeconds(30));

    assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.NO_CLUSTER);
    assertThat(r.took()).as(r.toString()).isLessThan(Duration.ofSeconds(10));
    List<String> lines = (r.out() + r.err()).lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as(r.toString()).hasSizeBetween(2, 5);
    assertThat(lines.get(0))
        .contains("refused the credentials (401 Unauthorized)")
        .contains("server " + admin.getMasterUrl())
        .contains("context stale of " + kubeconfig.toAbsolutePath())
        .doesNotContain("revoked-or-expired-token");
    assertThat(r.out() + r.err()).doesNotContain("\tat ");
  }
}
