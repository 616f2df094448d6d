package dev.iothub.operator.region;

import java.util.Objects;
import java.util.Optional;

/**
 * Another Kubernetes cluster that backs a region: the Secret that holds a kubeconfig for it. Only
 * the Secret's name is configuration; the kubeconfig is read from the Secret when it is used, and
 * never logged or reported.
 *
 * @param secretName the Secret with the kubeconfig
 * @param key the Secret's key that holds the kubeconfig
 * @param secretNamespace the Secret's namespace; the operator's own namespace when empty
 */
public record ClusterRef(String secretName, String key, Optional<String> secretNamespace) {
  public static final String DEFAULT_KEY = "kubeconfig";

  public ClusterRef {
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(secretNamespace, "secretNamespace");
    if (secretName.isBlank() || key.isBlank()) {
      throw new IllegalArgumentException("a cluster's kubeconfig Secret needs a name and a key");
    }
  }

  public static ClusterRef secret(String name) {
    return new ClusterRef(name, DEFAULT_KEY, Optional.empty());
  }
}
