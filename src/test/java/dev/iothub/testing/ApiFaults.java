package dev.iothub.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The embedded API server's CRUD dispatcher with injected failures: a request that a rule matches
 * (method, path and query, optionally body) is answered with an error Status as the real API server
 * writes them (403 Forbidden, 409 Conflict, 422 Invalid, 500 InternalError, 504 Timeout) instead of
 * being stored; every other request is served as usual.
 */
public final class ApiFaults extends KubernetesCrudDispatcher {
  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  public ApiFaults() {
    super(List.of());
  }

  /** Matching requests fail once with each code, in order, then pass. */
  public Rule failTimes(String methods, String pathRegex, Predicate<String> body, int... codes) {
    Deque<Integer> queue = new ArrayDeque<>();
    for (int code : codes) {
      queue.add(code);
    }
    Rule rule = new Rule(Pattern.compile(methods), Pattern.compile(pathRegex), body, queue, 0);
    rules.add(rule);
    return rule;
  }

  /** Matching requests fail with {@code code} until {@link #clear}. */
  public Rule failAlways(String methods, String pathRegex, Predicate<String> body, int code) {
    Rule rule =
        new Rule(
            Pattern.compile(methods), Pattern.compile(pathRegex), body, new ArrayDeque<>(), code);
    rules.add(rule);
    return rule;
  }

  public void clear() {
    rules.clear();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    for (Rule rule : rules) {
      Integer code = rule.take(request);
      if (code != null) {
        return status(code);
      }
    }
    return super.dispatch(request);
  }

  /** The message the real API server sends with each code (what the operator must relay). */
  public static String messageOf(int code) {
    return switch (code) {
      case 403 ->
          "secrets \"x\" is forbidden: exceeded quota: region-quota, requested: count/secrets=1,"
              + " used: count/secrets=4, limited: count/secrets=4";
      case 409 ->
          "Operation cannot be fulfilled on secrets \"x\": the object has been modified; please"
              + " apply your changes to the latest version and try again";
      case 422 -> "Secret \"x\" is invalid: metadata.labels: Invalid value: \"x\": must be no more";
      case 500 ->
          "Internal error occurred: failed calling webhook \"deny.example.com\": connection"
              + " refused";
      case 504 -> "Timeout: request did not complete within requested timeout";
      default -> "injected failure " + code;
    };
  }

  private static MockResponse status(int code) {
    String reason =
        switch (code) {
          case 403 -> "Forbidden";
          case 409 -> "Conflict";
          case 422 -> "Invalid";
          case 500 -> "InternalError";
          case 504 -> "Timeout";
          default -> "Unknown";
        };
    String body =
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            + "\"message\":"
            + quote(messageOf(code))
            + ",\"reason\":\""
            + reason
            + "\",\"code\":"
            + code
            + "}";
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** One injected failure: which requests, how often, how many were answered with it. */
  public static final class Rule {
    private final Pattern methods;
    private final Pattern path;
    private final Predicate<String> body;
    private final Deque<Integer> codes;
    private final int always;
    private final AtomicInteger hits = new AtomicInteger();

    private Rule(
        Pattern methods, Pattern path, Predicate<String> body, Deque<Integer> codes, int always) {
      this.methods = methods;
      this.path = path;
      this.body = body == null ? b -> true : body;
      this.codes = codes;
      this.always = always;
    }

    private synchronized Integer take(RecordedRequest request) {
      if (!methods.matcher(request.getMethod()).matches()
          || !path.matcher(request.getPath()).matches()
          || !body.test(bodyOf(request))) {
        return null;
      }
      Integer code = always != 0 ? Integer.valueOf(always) : codes.poll();
      if (code != null) {
        hits.incrementAndGet();
      }
      return code;
    }

    /** The body without consuming it: the CRUD dispatcher reads it after us. */
    private static String bodyOf(RecordedRequest request) {
      return request.getBody() == null
          ? ""
          : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Requests answered with an error so far. */
    public int hits() {
      return hits.get();
    }
  }
}
