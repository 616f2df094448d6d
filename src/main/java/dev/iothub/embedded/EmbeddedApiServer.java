package dev.iothub.embedded;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;

/**
 * An in-process Kubernetes API server (the fabric8 mock server in CRUD mode) with the project's
 * CRDs loaded, so that the status subresource behaves as on a real server. It is what the operator
 * runs on when no cluster is configured, and what the controller tests run on. It has no admission
 * (CRD validation is not enforced), no server-side apply, no discovery and no kubelet.
 */
public final class EmbeddedApiServer implements AutoCloseable {
  /** The committed CRDs, packaged from {@code crds/} by the build. */
  public static final List<String> CRD_RESOURCES =
      List.of(
          "META-INF/iothub/crds/iothubs.iothub.dev-v1.yml",
          "META-INF/iothub/crds/failoverrequests.iothub.dev-v1.yml",
          "META-INF/iothub/crds/devices.iothub.dev-v1.yml",
          "META-INF/iothub/crds/deviceimports.iothub.dev-v1.yml");

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private EmbeddedApiServer(KubernetesMockServer server, int requestRetries) {
    this.server = server;
    this.client = requestRetries < 0 ? server.createClient() : withRetries(server, requestRetries);
  }

  private static KubernetesClient withRetries(KubernetesMockServer server, int retries) {
    io.fabric8.kubernetes.client.Config config;
    try (KubernetesClient defaults = server.createClient()) {
      config = defaults.getConfiguration();
    }
    io.fabric8.kubernetes.client.Config changed =
        new io.fabric8.kubernetes.client.ConfigBuilder(config)
            .withRequestRetryBackoffLimit(retries)
            .build();
    return server.createClient(b -> b.withConfig(changed));
  }

  public static EmbeddedApiServer start() {
    return start(new KubernetesCrudDispatcher(List.of()), -1);
  }

  /**
   * With the given CRUD dispatcher (a test's subclass of it answers some requests itself) and a
   * client that retries a 5xx answer that many times itself (the client's default when negative).
   */
  public static EmbeddedApiServer start(KubernetesCrudDispatcher dispatcher, int requestRetries) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      server.init(InetAddress.getLoopbackAddress(), 0);
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not start the embedded API server", e);
    }
    EmbeddedApiServer embedded = new EmbeddedApiServer(server, requestRetries);
    embedded.loadCrds();
    return embedded;
  }

  public KubernetesClient client() {
    return client;
  }

  /** Requests this server has answered so far: API calls, for benchmarks and cost tests. */
  public int requestCount() {
    return server.getRequestCount();
  }

  /**
   * The requests answered since the last call ("METHOD path?query"), oldest first: for tests that
   * count what a controller asks of the API server, by method.
   */
  public List<String> drainRequests() {
    List<String> drained = new java.util.ArrayList<>();
    try {
      for (var r = server.takeRequest(0, java.util.concurrent.TimeUnit.MILLISECONDS);
          r != null;
          r = server.takeRequest(0, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        drained.add(r.getMethod() + " " + r.getPath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return drained;
  }

  /** The URL clients use to reach this server. */
  public String url() {
    return client.getConfiguration().getMasterUrl();
  }

  public void createNamespaces(Iterable<String> names) {
    for (String name : names) {
      if (client.namespaces().withName(name).get() == null) {
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
      }
    }
  }

  private void loadCrds() {
    ClassLoader loader = EmbeddedApiServer.class.getClassLoader();
    for (String resource : CRD_RESOURCES) {
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              resource + " is not on the classpath; build with 'mvn package' so crds/ is packaged");
        }
        CustomResourceDefinition crd =
            client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
