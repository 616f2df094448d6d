package dev.iothub.operator.objects;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Secrets read or patched for their metadata only: registry shards and password fragments hold up
 * to ~1 MB of data each, and planning, fencing and summing them needs their annotations alone. The
 * API server is asked for PartialObjectMetadata (it then sends no data at all); a server that does
 * not offer it answers with the whole objects, and their data is skipped by the parser, never
 * decoded. Lists are paged, so no answer is larger than a page either way: 8 objects a page until
 * the server has shown that it answers metadata only, then 250.
 */
public final class SecretMetadata {
  /** Items per LIST page while the server may answer whole objects: at most ~8 MB a page. */
  static final int PAGE = 8;

  /** Items per page once the server answered metadata only (about 1.5 kB an item). */
  static final int METADATA_PAGE = 250;

  private static final String ACCEPT_LIST =
      "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json";
  private static final String ACCEPT_ONE =
      "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json";
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private SecretMetadata() {}

  /** The namespace's Secrets that the selector matches, metadata only; PAGE items per request. */
  public static List<Secret> list(KubernetesClient client, String namespace, String labelSelector) {
    List<Secret> all = new ArrayList<>();
    String token = null;
    int limit = PAGE;
    do {
      StringBuilder uri =
          new StringBuilder(base(client, namespace))
              .append("?labelSelector=")
              .append(encode(labelSelector))
              .append("&limit=")
              .append(limit);
      if (token != null) {
        uri.append("&continue=").append(encode(token));
      }
      HttpClient http = client.getHttpClient();
      HttpRequest request =
          http.newHttpRequestBuilder().uri(uri.toString()).setHeader("Accept", ACCEPT_LIST).build();
      Page page = send(client, request, in -> readList(in, all::add));
      token = page.token();
      limit = page.metadataOnly() ? METADATA_PAGE : PAGE;
    } while (token != null && !token.isEmpty());
    return all;
  }

  /** One Secret's metadata; null when there is no such Secret. */
  public static Secret get(KubernetesClient client, String namespace, String name) {
    HttpClient http = client.getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(base(client, namespace) + "/" + encode(name))
            .setHeader("Accept", ACCEPT_ONE)
            .build();
    try {
      return send(client, request, SecretMetadata::readOne);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Applies a JSON merge patch to one Secret and returns its metadata after the patch (the new
   * resourceVersion among it), without its data either way.
   *
   * @throws KubernetesClientException with the API server's code (404 when there is no such Secret)
   */
  public static Secret patch(
      KubernetesClient client, String namespace, String name, String mergePatch) {
    HttpClient http = client.getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(base(client, namespace) + "/" + encode(name))
            .setHeader("Accept", ACCEPT_ONE)
            .method("PATCH", "application/merge-patch+json", mergePatch)
            .build();
    return send(client, request, SecretMetadata::readOne);
  }

  private static String base(KubernetesClient client, String namespace) {
    String master = client.getMasterUrl().toString();
    return (master.endsWith("/") ? master : master + "/")
        + "api/v1/namespaces/"
        + encode(namespace)
        + "/secrets";
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private interface Reader<T> {
    T read(JsonParser in) throws IOException;
  }

  /** Sends the request and hands a successful answer to {@code reader} as it streams in. */
  private static <T> T send(KubernetesClient client, HttpRequest request, Reader<T> reader) {
    HttpResponse<byte[]> response;
    try {
      response =
          client
              .getHttpClient()
              .sendAsync(request, byte[].class)
              .get(requestTimeoutMillis(client), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while reading Secrets' metadata", e);
    } catch (ExecutionException e) {
      throw new KubernetesClientException(
          "could not read Secrets' metadata: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KubernetesClientException("timed out reading Secrets' metadata", e);
    }
    // One page at most (PAGE objects); parsed without building it as a tree.
    byte[] body = response.body() == null ? new byte[0] : response.body();
    try {
      if (!response.isSuccessful()) {
        throw failure(client, response.code(), body);
      }
      try (JsonParser in = JSON.getFactory().createParser(body)) {
        return reader.read(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long requestTimeoutMillis(KubernetesClient client) {
    int configured = client.getConfiguration().getRequestTimeout();
    return configured > 0 ? configured * 2L : TimeUnit.MINUTES.toMillis(2);
  }

  /** The API server's Status as fabric8 reports it for its own requests. */
  private static KubernetesClientException failure(KubernetesClient client, int code, byte[] body) {
    // An error answer is a small Status, never an object with data.
    String text = new String(body, 0, Math.min(body.length, 64 * 1024), StandardCharsets.UTF_8);
    Status status;
    try {
      status = client.getKubernetesSerialization().unmarshal(text, Status.class);
    } catch (RuntimeException e) {
      status = null;
    }
    if (status == null || status.getCode() == null) {
      Status plain = new Status();
      plain.setCode(code);
      plain.setMessage(text.isBlank() ? "HTTP " + code : text);
      status = plain;
    }
    return new KubernetesClientException(status);
  }

  /** What a page said about the next: its continue token, and whether it held metadata only. */
  private record Page(String token, boolean metadataOnly) {}

  /**
   * Reads a (PartialObjectMetadata or Secret) list: items' metadata out, the continue token back.
   */
  private static Page readList(JsonParser in, Consumer<Secret> items) throws IOException {
    String token = null;
    String kind = null;
    expect(in.nextToken(), JsonToken.START_OBJECT);
    while (in.nextToken() == JsonToken.FIELD_NAME) {
      String field = in.currentName();
      JsonToken value = in.nextToken();
      if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
        token = JSON.readValue(in, ListMeta.class).getContinue();
      } else if ("kind".equals(field) && value == JsonToken.VALUE_STRING) {
        kind = in.getText();
      } else if ("items".equals(field) && value == JsonToken.START_ARRAY) {
        while (in.nextToken() == JsonToken.START_OBJECT) {
          items.accept(readItem(in));
        }
      } else {
        in.skipChildren();
      }
    }
    return new Page(token, "PartialObjectMetadataList".equals(kind));
  }

  private static Secret readOne(JsonParser in) throws IOException {
    expect(in.nextToken(), JsonToken.START_OBJECT);
    return readItem(in);
  }

  /** Reads one object from its START_OBJECT to its END_OBJECT, keeping only its metadata. */
  private static Secret readItem(JsonParser in) throws IOException {
    ObjectMeta metadata = null;
    while (in.nextToken() == JsonToken.FIELD_NAME) {
      String field = in.currentName();
      JsonToken value = in.nextToken();
      if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
        metadata = JSON.readValue(in, ObjectMeta.class);
      } else {
        in.skipChildren(); // data, stringData, type...
      }
    }
    return new SecretBuilder().withMetadata(metadata).build();
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("unexpected answer from the API server: " + actual);
    }
  }
}
