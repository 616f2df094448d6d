package dev.iothub.kube;

import static org.assertj.core.api.Assertions.fail;

import dev.iothub.packaging.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as users run it: the packaged jar ({@code target/quarkus-app/quarkus-run.jar}) in a
 * process of its own, with a kubeconfig and the application.properties the chart renders. Its
 * output goes to {@code target/kube-it/<name>.log}, whose tail a failing test prints.
 */
public final class OperatorProcess implements AutoCloseable {
  static final Path JAR = Project.path("target/quarkus-app/quarkus-run.jar");

  private final String name;
  private final Process process;
  private final Path log;
  private final int httpPort;

  private OperatorProcess(String name, Process process, Path log, int httpPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /**
   * Starts the jar with this kubeconfig and properties file and waits until it reports ready
   * (informers synced). {@code env} adds variables (Quarkus maps IOTHUB_FAILOVER_MIN_INTERVAL to
   * iothub.failover.min-interval).
   */
  public static OperatorProcess start(
      String name, Path kubeconfig, Path properties, Map<String, String> env) {
    OperatorProcess p = launch(name, kubeconfig, properties, env);
    p.awaitReady(Duration.ofSeconds(90));
    return p;
  }

  /** Starts the jar without waiting: a standby replica is never ready before it leads. */
  public static OperatorProcess launch(
      String name, Path kubeconfig, Path properties, Map<String, String> env) {
    if (!Files.isRegularFile(JAR)) {
      fail("no " + JAR + ": the real-API tier runs the packaged operator; run mvn package first");
    }
    try {
      Files.createDirectories(RealCluster.WORK);
      Path log = RealCluster.WORK.resolve(name + ".log");
      int port = freePort();
      String java = ProcessHandle.current().info().command().orElse("java");
      ProcessBuilder builder =
          new ProcessBuilder(List.of(java, "-Xmx512m", "-jar", JAR.toString()))
              .directory(RealCluster.WORK.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      Map<String, String> environment = builder.environment();
      environment.remove("KUBERNETES_MASTER");
      environment.remove("IOTHUB_EMBEDDED");
      environment.put("KUBECONFIG", kubeconfig.toString());
      environment.put("QUARKUS_CONFIG_LOCATIONS", properties.toString());
      environment.put("QUARKUS_HTTP_PORT", Integer.toString(port));
      // A pod's name, which is also its leader-election identity.
      environment.put("POD_NAME", name);
      environment.put("HOSTNAME", name);
      environment.putAll(env);
      return new OperatorProcess(name, builder.start(), log, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until GET /q/health/ready answers 200; fails with the log's tail if it never does. */
  public void awaitReady(Duration atMost) {
    Instant deadline = Instant.now().plus(atMost);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        fail(name + " exited with " + process.exitValue() + ":\n" + logTail(60));
      }
      if (ready()) {
        return;
      }
      sleep(250);
    }
    fail(name + " not ready within " + atMost + ":\n" + logTail(60));
  }

  /** Whether the operator answers its readiness probe with 200. */
  public boolean ready() {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready")
                  .toURL()
                  .openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Kills the process as a crashed node would: no shutdown hook, no Lease release. */
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      waitFor();
    }
  }

  private void waitFor() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
