package dev.iothub.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator Deployment that the chart (or deploy/) created on the real API server, run the way
 * its pod would run, without a kubelet: the packaged jar with the Deployment's ServiceAccount (a
 * TokenRequest token), the application.properties of its ConfigMap and its plain env variables.
 */
public final class InstalledOperator {
  private final RealCluster cluster;
  private final String namespace;
  private final String serviceAccount;
  private final String configMap;
  private final Map<String, String> env = new LinkedHashMap<>();

  private InstalledOperator(RealCluster cluster, Deployment deployment) {
    this.cluster = cluster;
    this.namespace = deployment.getMetadata().getNamespace();
    this.serviceAccount = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
    this.configMap =
        deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> "config".equals(v.getName()))
            .map(Volume::getConfigMap)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no config volume in " + deployment))
            .getName();
    Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    for (EnvVar v : operator.getEnv()) {
      if (v.getValue() != null) {
        env.put(v.getName(), v.getValue());
      }
    }
    // What the downward API would give the pod; the properties file is where the test wrote it.
    env.put("POD_NAMESPACE", namespace);
    env.remove("QUARKUS_CONFIG_LOCATIONS");
  }

  /** The operator Deployment {@code name} in {@code namespace}. */
  public static InstalledOperator of(RealCluster cluster, String namespace, String name) {
    Deployment d = cluster.admin().apps().deployments().inNamespace(namespace).withName(name).get();
    if (d == null) {
      throw new IllegalStateException("no operator Deployment " + namespace + "/" + name);
    }
    return new InstalledOperator(cluster, d);
  }

  public String namespace() {
    return namespace;
  }

  public String serviceAccount() {
    return serviceAccount;
  }

  /** The subject of {@code kubectl auth can-i --as=...}. */
  public String user() {
    return "system:serviceaccount:" + namespace + ":" + serviceAccount;
  }

  /** Starts a replica and waits until it is ready. */
  public OperatorProcess start(String name, Map<String, String> extraEnv) {
    OperatorProcess p = launch(name, extraEnv);
    p.awaitReady(java.time.Duration.ofSeconds(90));
    return p;
  }

  /** Starts a replica without waiting for it. */
  public OperatorProcess launch(String name, Map<String, String> extraEnv) {
    Map<String, String> all = new LinkedHashMap<>(env);
    all.putAll(extraEnv);
    return OperatorProcess.launch(
        name, cluster.kubeconfigFor(namespace, serviceAccount), properties(name), all);
  }

  private Path properties(String name) {
    String text =
        cluster
            .admin()
            .configMaps()
            .inNamespace(namespace)
            .withName(configMap)
            .get()
            .getData()
            .get("application.properties");
    try {
      Files.createDirectories(RealCluster.WORK);
      Path file = RealCluster.WORK.resolve(name + ".properties");
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
