package dev.iothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the command line looks for a cluster, as kubectl does. */
class KubeConfigConnectorTest {
  @TempDir Path home;

  private boolean configured(Map<String, String> env) {
    return new KubeConfigConnector(env, new Properties(), home).configured();
  }

  @Test
  void nothingConfigured() {
    assertThat(configured(Map.of())).isFalse();
    assertThat(configured(Map.of("KUBECONFIG", ""))).isFalse();
    assertThat(configured(Map.of("KUBECONFIG", home.resolve("missing").toString()))).isFalse();
  }

  @Test
  void homeKubeConfig() throws IOException {
    Files.createDirectories(home.resolve(".kube"));
    Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\nkind: Config\n");
    assertThat(configured(Map.of())).isTrue();
  }

  @Test
  void kubeconfigListWithOneExistingFile() throws IOException {
    Path file = Files.writeString(home.resolve("cluster.yaml"), "apiVersion: v1\nkind: Config\n");
    String list = home.resolve("missing") + File.pathSeparator + file;
    assertThat(configured(Map.of("KUBECONFIG", list))).isTrue();
  }

  @Test
  void inClusterOrExplicitMaster() {
    assertThat(configured(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"))).isTrue();
    assertThat(configured(Map.of("KUBERNETES_MASTER", "https://example:6443"))).isTrue();
    Properties master = new Properties();
    master.setProperty("kubernetes.master", "https://example:6443");
    assertThat(new KubeConfigConnector(Map.of(), master, home).configured()).isTrue();
  }
}
