package dev.iothub.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The embedded API server's CRUD dispatcher that records every exchange (method, path, bytes sent
 * and answered), for tests that prove what an operation costs; and that can rewrite the answers to
 * some requests (an API server that stores something else than it was sent).
 */
public final class ApiTraffic extends KubernetesCrudDispatcher {
  /** One request and the size of its answer. */
  public record Exchange(String method, String path, String body, long answerBytes) {
    public long sentBytes() {
      return body.length();
    }

    @Override
    public String toString() {
      return method + " " + path + " (" + sentBytes() + " B sent, " + answerBytes + " B answered)";
    }
  }

  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final List<Rewrite> rewrites = new CopyOnWriteArrayList<>();

  private record Rewrite(Pattern methods, Pattern path, UnaryOperator<String> answer) {}

  public ApiTraffic() {
    super(List.of());
  }

  /** Answers to matching requests are rewritten (after the request was served as usual). */
  public void rewrite(String methods, String pathRegex, UnaryOperator<String> answer) {
    rewrites.add(new Rewrite(Pattern.compile(methods), Pattern.compile(pathRegex), answer));
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String body =
        request.getBody() == null
            ? ""
            : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
    MockResponse response = super.dispatch(request);
    String accept = request.getHeader("Accept");
    if (accept != null
        && accept.contains("as=PartialObjectMetadata")
        && response.getBody() != null) {
      // As the real API server answers (the CRUD mock ignores the Accept header).
      response.setBody(metadataOnly(response.getBody().readUtf8()));
    }
    for (Rewrite r : rewrites) {
      if (r.methods().matcher(request.getMethod()).matches()
          && r.path().matcher(request.getPath()).matches()
          && response.getBody() != null) {
        response.setBody(r.answer().apply(response.getBody().readUtf8()));
      }
    }
    long answered = response.getBody() == null ? 0 : response.getBody().size();
    exchanges.add(new Exchange(request.getMethod(), request.getPath(), body, answered));
    return response;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private static String metadataOnly(String answer) {
    try {
      var tree = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(answer);
      if ("Status".equals(tree.path("kind").asText())) {
        return answer;
      }
      if (tree.has("items")) {
        tree.put("kind", "PartialObjectMetadataList");
        tree.withArray("items")
            .forEach(i -> strip((com.fasterxml.jackson.databind.node.ObjectNode) i));
      } else {
        strip(tree);
      }
      tree.put("apiVersion", "meta.k8s.io/v1");
      return JSON.writeValueAsString(tree);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void strip(com.fasterxml.jackson.databind.node.ObjectNode object) {
    object.retain("metadata", "kind", "apiVersion");
    object.put("kind", "PartialObjectMetadata");
    object.put("apiVersion", "meta.k8s.io/v1");
  }

  /** The exchanges since the last call, oldest first. */
  public List<Exchange> drain() {
    List<Exchange> drained = new ArrayList<>(exchanges);
    exchanges.removeAll(drained);
    return drained;
  }
}
