package dev.iothub.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a process of the packaged application (bin/ launchers, the main jar) and keeps its output.
 */
public final class Launcher {
  /** The project directory: where pom.xml and bin/ are. */
  public static final Path PROJECT = locate();

  private Launcher() {}

  public record Result(int code, String out, String err, Duration took) {
    @Override
    public String toString() {
      return "exit "
          + code
          + " after "
          + took.toMillis()
          + " ms\n--- out\n"
          + out
          + "--- err\n"
          + err;
    }
  }

  /**
   * Runs {@code command} in the project directory with {@code stdin} as its input.
   *
   * @param env changes to the inherited environment; a null value removes the variable
   */
  public static Result run(
      List<String> command, Map<String, String> env, String stdin, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(PROJECT.toFile());
    Consumer<Map<String, String>> edit =
        e ->
            env.forEach(
                (k, v) -> {
                  if (v == null) {
                    e.remove(k);
                  } else {
                    e.put(k, v);
                  }
                });
    edit.accept(pb.environment());
    long started = System.nanoTime();
    try {
      Process p = pb.start();
      CompletableFuture<String> out = read(p.getInputStream());
      CompletableFuture<String> err = read(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(
            "still running after "
                + timeout.toSeconds()
                + " s: "
                + command
                + "\n"
                + out.getNow(""));
      }
      return new Result(
          p.exitValue(), out.join(), err.join(), Duration.ofNanos(System.nanoTime() - started));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The java of this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The packaged application; fails with a hint when {@code mvn package} has not run. */
  public static Path quarkusApp() {
    Path app = PROJECT.resolve("target/quarkus-app");
    if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
      throw new AssertionError(app + " is missing: these tests run after mvn package (mvn verify)");
    }
    return app;
  }

  private static CompletableFuture<String> read(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static Path locate() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pom.xml"))
          && Files.isRegularFile(d.resolve("bin/kubectl-iothub"))) {
        return d;
      }
    }
    throw new IllegalStateException("no project directory (pom.xml beside bin/) above " + dir);
  }
}
