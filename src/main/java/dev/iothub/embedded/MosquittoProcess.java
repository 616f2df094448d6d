package dev.iothub.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real {@code mosquitto -c <config>} on this machine, for the playground and the tests: started
 * on a loopback port, ready when it says it is running, its output captured so that a failure can
 * show it, stopped on {@link #close()}.
 */
public final class MosquittoProcess implements AutoCloseable {
  /** Where Debian/Ubuntu ({@code apt-get install mosquitto}) and Homebrew put the broker. */
  private static final List<String> KNOWN_PLACES =
      List.of("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/opt/homebrew/sbin/mosquitto");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final int port;
  private final List<String> log = new ArrayList<>();
  private final Thread reader;

  private MosquittoProcess(Process process, int port) {
    this.process = process;
    this.port = port;
    this.reader = new Thread(this::readLog, "mosquitto-log-" + port);
    reader.setDaemon(true);
    reader.start();
  }

  /** The mosquitto executable of this machine, if one is installed. */
  public static Optional<Path> binary() {
    List<String> places = new ArrayList<>(KNOWN_PLACES);
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        places.add(dir + "/mosquitto");
      }
    }
    return places.stream()
        .map(Path::of)
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  /** The version that {@code binary -h} reports ("2.0.11"), if it says. */
  public static Optional<String> version(Path binary) {
    try {
      Process p = new ProcessBuilder(binary.toString(), "-h").redirectErrorStream(true).start();
      String first;
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        first = in.readLine();
      }
      if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      String prefix = "mosquitto version ";
      return first != null && first.startsWith(prefix)
          ? Optional.of(first.substring(prefix.length()).strip())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Starts mosquitto with {@code configFile} and waits until it listens on {@code port}. */
  public static MosquittoProcess start(Path configFile, int port) {
    return start(configFile, port, START_TIMEOUT);
  }

  /**
   * As {@link #start(Path, int)}, waiting up to {@code timeout}: a broker that loads a million
   * passwords first (the benchmark) takes seconds.
   */
  public static MosquittoProcess start(Path configFile, int port, Duration timeout) {
    Path binary =
        binary()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "mosquitto is not installed (apt-get install mosquitto;"
                            + " scripts/install-test-tools.sh does it for the tests)"));
    Process process;
    try {
      process =
          new ProcessBuilder(binary.toString(), "-c", configFile.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary, e);
    }
    MosquittoProcess broker = new MosquittoProcess(process, port);
    broker.awaitListening(timeout);
    return broker;
  }

  /** A loopback port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Sends SIGHUP, mosquitto's signal to reread its password and ACL files, and waits until the log
   * shows that it did.
   */
  public void reload() {
    int reloadsBefore = count("Reloading config");
    try {
      Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -HUP failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (count("Reloading config") == reloadsBefore) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("mosquitto did not reload; log:\n" + log());
      }
      sleep(10);
    }
  }

  /** Everything mosquitto printed so far. */
  public String log() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }

  public int count(String text) {
    synchronized (log) {
      return (int) log.stream().filter(line -> line.contains(text)).count();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      reader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // mosquitto logs "running" once its listeners are open (the rendered config logs to stderr,
  // which is unbuffered, so the line shows up at once).
  private void awaitListening(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        sleep(50); // let the reader drain the last lines
        throw new IllegalStateException(
            "mosquitto exited with " + process.exitValue() + "; log:\n" + log());
      }
      if (count(" running") > 0) {
        return;
      }
      sleep(10);
    }
    close();
    throw new IllegalStateException("mosquitto did not start on " + port + "; log:\n" + log());
  }

  private void readLog() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (log) {
          log.add(line);
        }
      }
    } catch (IOException ignored) {
      // the process ended
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
