package dev.iothub.playground;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import dev.iothub.embedded.LocalMosquittoPods.Endpoint;
import dev.iothub.operator.broker.DeviceTopics;
import dev.iothub.operator.broker.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A device of the tutorial on real MQTT (TLS, its key as password). It knows only the hub's host
 * name, which the playground's DNS leads through the hub's endpoint to the broker of the active
 * region; when its connection drops it resolves the name again and reconnects with a short
 * back-off, as a device SDK's retry policy does.
 */
final class TutorialDevice implements AutoCloseable {
  /** A dropped connection and the one that replaced it. */
  record Reconnection(Endpoint from, Endpoint to, Duration after, int attempts) {}

  private static final long FIRST_RETRY_MILLIS = 10;
  private static final long MAX_RETRY_MILLIS = 500;

  private final String id;
  private final String key;
  private final String caPem;
  private final String host;
  private final Function<String, Optional<Endpoint>> dns;
  private final List<Reconnection> reconnections = new ArrayList<>();
  private Mqtt5AsyncClient client;
  private volatile Endpoint target;
  private volatile Endpoint connected;
  private volatile Endpoint lostFrom;
  private volatile long lostAt;
  private volatile int attempts;
  private volatile boolean closing;

  TutorialDevice(
      String id, String key, String caPem, String host, Function<String, Optional<Endpoint>> dns) {
    this.id = id;
    this.key = key;
    this.caPem = caPem;
    this.host = host;
    this.dns = dns;
  }

  /**
   * Connects for the first time. The broker rereads its password file a moment after the device is
   * registered, so a refusal is retried until {@code within} has passed.
   *
   * @return where the connection went
   */
  Endpoint connect(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "no broker answers for " + host;
    while (System.nanoTime() < deadline) {
      Optional<Endpoint> endpoint = dns.apply(host);
      if (endpoint.isPresent()) {
        target = endpoint.get();
        Mqtt5AsyncClient attempt = build(target);
        try {
          connect(attempt);
          client = attempt;
          connected = target;
          return target;
        } catch (ExecutionException | TimeoutException e) {
          attempt.disconnect(); // a late answer must not leave a second connection behind
          last = describe(e);
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(id + " could not connect within " + within + ": " + last);
  }

  /**
   * Connects once and returns the broker's refusal, or empty when it let the device in (the
   * connection is then closed again).
   */
  Optional<Mqtt5ConnAckReasonCode> tryOnce() throws InterruptedException {
    Endpoint endpoint =
        dns.apply(host).orElseThrow(() -> new IllegalStateException("no broker for " + host));
    Mqtt5AsyncClient attempt = build(endpoint);
    try {
      connect(attempt);
      attempt.disconnect();
      return Optional.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Mqtt5ConnAckException refused) {
        return Optional.of(refused.getMqttMessage().getReasonCode());
      }
      throw new IllegalStateException(describe(e), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(id + " got no answer from " + host, e);
    }
  }

  /** Sends one telemetry message at QoS 1; true when the broker acknowledged it. */
  boolean sendTelemetry(String payload) throws InterruptedException {
    try {
      Mqtt5PublishResult result =
          client
              .publishWith()
              .topic(DeviceTopics.events(id))
              .payload(payload.getBytes(StandardCharsets.UTF_8))
              .qos(MqttQos.AT_LEAST_ONCE)
              .send()
              .get(5, TimeUnit.SECONDS);
      return result.getError().isEmpty()
          && result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1
          && !qos1.getPubAck().getReasonCode().isError();
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  int reconnectionCount() {
    synchronized (reconnections) {
      return reconnections.size();
    }
  }

  /** Waits for the reconnection after the first {@code seen} ones. */
  Reconnection awaitReconnection(int seen, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    synchronized (reconnections) {
      while (reconnections.size() <= seen) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              id
                  + " did not reconnect within "
                  + within.toSeconds()
                  + " s (still connected to "
                  + (connected == null ? "nothing" : connected.namespace())
                  + ")");
        }
        TimeUnit.NANOSECONDS.timedWait(reconnections, left);
      }
      return reconnections.get(seen);
    }
  }

  @Override
  public void close() {
    closing = true;
    if (client != null) {
      client.disconnect();
    }
  }

  private Mqtt5AsyncClient build(Endpoint endpoint) {
    return MqttClient.builder()
        .useMqttVersion5()
        .identifier(id)
        .serverAddress(named(endpoint))
        .sslConfig()
        .trustManagerFactory(Pem.trusting(caPem))
        .applySslConfig()
        // On the client, not on the first CONNECT: reconnects send the client's credentials.
        .simpleAuth()
        .username(id)
        .password(key.getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth()
        .addConnectedListener(ctx -> onConnected())
        .addDisconnectedListener(this::onDisconnected)
        .buildAsync();
  }

  private static void connect(Mqtt5AsyncClient c)
      throws InterruptedException, ExecutionException, TimeoutException {
    c.connect().get(5, TimeUnit.SECONDS);
  }

  private void onConnected() {
    Endpoint from = lostFrom;
    connected = target;
    if (from == null) {
      return;
    }
    Reconnection r =
        new Reconnection(from, target, Duration.ofNanos(System.nanoTime() - lostAt), attempts);
    lostFrom = null;
    attempts = 0;
    synchronized (reconnections) {
      reconnections.add(r);
      reconnections.notifyAll();
    }
  }

  /**
   * Every drop and every failed attempt lands here: resolve the hub's name again, then reconnect
   * there after a back-off that doubles from {@value #FIRST_RETRY_MILLIS} ms.
   */
  private void onDisconnected(MqttClientDisconnectedContext ctx) {
    if (closing || ctx.getSource() == MqttDisconnectSource.USER || connected == null) {
      return; // first connections are retried by connect(); a closed device stays closed
    }
    if (lostFrom == null) {
      lostFrom = connected;
      lostAt = System.nanoTime();
    }
    attempts++;
    long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attempts - 1, 10));
    var reconnector = ctx.getReconnector();
    reconnector
        .reconnect(true)
        .delay(delay, TimeUnit.MILLISECONDS)
        .reconnectWhen(
            CompletableFuture.supplyAsync(() -> dns.apply(host)),
            (endpoint, failure) -> {
              if (endpoint != null && endpoint.isPresent()) {
                target = endpoint.get();
                reconnector.transportConfig().serverAddress(named(target)).applyTransportConfig();
              }
            });
  }

  /** The loopback port of the pod, carrying the hub's host name, which the certificate names. */
  private InetSocketAddress named(Endpoint endpoint) {
    try {
      return new InetSocketAddress(
          InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}), endpoint.port());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
