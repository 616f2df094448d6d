package dev.iothub.operator.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Checks a region's broker the way a device would use it before the hub's endpoint is switched to
 * it: a TLS connection trusting only the hub CA (with host name verification), login as the probe
 * user, a subscription to a fresh probe topic, and a publish that must come back. The result says
 * which step failed and why, in a reason fit for a condition; it never contains the password.
 */
public final class MqttProbe {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TrustManagerFactory trust;
  private final String password;

  /**
   * @param caCertificatePem the hub CA, the only certificate the probe trusts
   * @param password the probe user's password (its hash is in the password file)
   */
  public MqttProbe(String caCertificatePem, String password) {
    this.trust = Pem.trusting(caCertificatePem);
    this.password = password;
  }

  /** Why a probe failed, or that it succeeded; {@link #reason()} is a condition reason. */
  public enum Outcome {
    SUCCEEDED("Succeeded"),
    /** Nothing accepts connections there, or the broker refused the MQTT connection. */
    CONNECT_REFUSED("ConnectRefused"),
    /** The broker refused the probe's credentials. */
    NOT_AUTHORIZED("NotAuthorized"),
    /** No TLS session: the broker's certificate is not from the hub CA or not for this name. */
    TLS_FAILURE("TlsFailure"),
    /** The host name does not resolve or cannot be routed to. */
    UNREACHABLE("Unreachable"),
    SUBSCRIBE_REFUSED("SubscribeRefused"),
    PUBLISH_REFUSED("PublishRefused"),
    /** A step did not finish in time (the message says which). */
    TIMEOUT("Timeout"),
    /** The broker closed the connection or another unexpected error. */
    FAILED("Failed");

    private final String reason;

    Outcome(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  public record Result(Outcome outcome, String message, Duration elapsed) {
    public boolean succeeded() {
      return outcome == Outcome.SUCCEEDED;
    }
  }

  /** Probes {@code host:port} within {@code timeout}; never throws. */
  public Result probe(String host, int port, Duration timeout) {
    return probe(InetSocketAddress.createUnresolved(host, port), timeout);
  }

  /**
   * Probes {@code address}; the name it carries is the one the server certificate must match. A
   * test passes a loopback address that carries the name of a region's broker Service.
   */
  public Result probe(InetSocketAddress address, Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String where = address.getHostString() + ":" + address.getPort();
    Mqtt5AsyncClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(ServiceUser.PROBE.username())
            .transportConfig()
            .serverAddress(address)
            .socketConnectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .mqttConnectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .sslConfig()
            .trustManagerFactory(trust)
            .protocols(List.of("TLSv1.3", "TLSv1.2"))
            .handshakeTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .applySslConfig()
            .applyTransportConfig()
            .simpleAuth()
            .username(ServiceUser.PROBE.username())
            .password(password.getBytes(StandardCharsets.UTF_8))
            .applySimpleAuth()
            .buildAsync();
    String step = "connect";
    try {
      await(client.connectWith().cleanStart(true).noSessionExpiry().send(), deadline);

      step = "subscribe";
      String topic = DeviceTopics.PROBE_ROOT + HexFormat.of().formatHex(randomBytes(8));
      byte[] payload = randomBytes(16);
      CompletableFuture<Void> echoed = new CompletableFuture<>();
      Mqtt5SubAck subAck =
          await(
              client
                  .subscribeWith()
                  .topicFilter(topic)
                  .qos(MqttQos.AT_LEAST_ONCE)
                  .callback(
                      p -> {
                        if (Arrays.equals(p.getPayloadAsBytes(), payload)) {
                          echoed.complete(null);
                        }
                      })
                  .send(),
              deadline);
      for (Mqtt5SubAckReasonCode code : subAck.getReasonCodes()) {
        if (code.isError()) {
          return result(Outcome.SUBSCRIBE_REFUSED, "subscribe refused: " + code, start);
        }
      }

      step = "publish";
      await(
          client
              .publishWith()
              .topic(topic)
              .qos(MqttQos.AT_LEAST_ONCE)
              .payload(payload)
              .send()
              .thenAccept(r -> r.getError().ifPresent(MqttProbe::rethrow)),
          deadline);

      step = "round trip";
      await(echoed, deadline);
      return result(Outcome.SUCCEEDED, "publish/subscribe round trip with " + where, start);
    } catch (TimeoutException e) {
      return result(Outcome.TIMEOUT, "no " + step + " with " + where + " within " + timeout, start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return result(Outcome.FAILED, "interrupted during " + step, start);
    } catch (ExecutionException e) {
      return result(
          classify(e.getCause()),
          step + " with " + where + " failed: " + describe(e.getCause()),
          start);
    } finally {
      client.disconnect().exceptionally(ignored -> null);
    }
  }

  /** Maps a failure of the HiveMQ client to the step's outcome. */
  static Outcome classify(Throwable failure) {
    while (failure instanceof CompletionException && failure.getCause() != null) {
      failure = failure.getCause();
    }
    if (failure instanceof Mqtt5ConnAckException connAck) {
      Mqtt5ConnAckReasonCode code = connAck.getMqttMessage().getReasonCode();
      return code == Mqtt5ConnAckReasonCode.NOT_AUTHORIZED
              || code == Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD
          ? Outcome.NOT_AUTHORIZED
          : Outcome.CONNECT_REFUSED;
    }
    if (failure instanceof Mqtt5SubAckException) {
      return Outcome.SUBSCRIBE_REFUSED;
    }
    if (failure instanceof Mqtt5PubAckException) {
      return Outcome.PUBLISH_REFUSED;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return Outcome.TLS_FAILURE;
      }
      if (t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
        return Outcome.UNREACHABLE;
      }
      if (t instanceof ConnectException) {
        return Outcome.CONNECT_REFUSED;
      }
    }
    return Outcome.FAILED;
  }

  private static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.length() > 300 ? message.substring(0, 300) + "..." : message;
  }

  private static <T> T await(CompletableFuture<T> future, long deadline)
      throws ExecutionException, InterruptedException, TimeoutException {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new TimeoutException();
    }
    return future.get(remaining, TimeUnit.NANOSECONDS);
  }

  private static Result result(Outcome outcome, String message, long start) {
    return new Result(outcome, message, Duration.ofNanos(System.nanoTime() - start));
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static void rethrow(Throwable t) {
    throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
  }
}
