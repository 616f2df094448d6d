package dev.iothub.packaging;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the helm binary of the project: $HELM, else .tools/helm/helm (installed by
 * scripts/install-test-tools.sh), else helm on the PATH. A missing helm fails the test: the chart
 * tests are never skipped.
 */
public final class Helm {
  public static final String RELEASE = "iothub-operator";
  public static final String NAMESPACE = "iothub-system";

  private final Path binary;

  private Helm(Path binary) {
    this.binary = binary;
  }

  public static Helm locate() {
    String env = System.getenv("HELM");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
      return new Helm(Path.of(env));
    }
    Path tools = Project.path(".tools/helm/helm");
    if (Files.isExecutable(tools)) {
      return new Helm(tools);
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, "helm");
        if (!dir.isBlank() && Files.isExecutable(candidate)) {
          return new Helm(candidate);
        }
      }
    }
    return fail(
        "helm is missing: run scripts/install-test-tools.sh (it installs helm 3.17 into"
            + " .tools/helm/), or put helm 3 on the PATH, or set HELM to its path");
  }

  public Path binary() {
    return binary;
  }

  /** The result of one helm run. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    public String describe() {
      return String.join(" ", command)
          + "\nexit code "
          + exitCode
          + "\nstdout:\n"
          + stdout
          + "\nstderr:\n"
          + stderr;
    }
  }

  public Result run(String... args) {
    return run(Arrays.asList(args));
  }

  public Result run(List<String> args) {
    return run(Map.of(), args);
  }

  /**
   * Runs helm with extra environment variables (KUBECONFIG for the commands that need a cluster).
   */
  public Result run(Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    return exec(command, Project.DIR, env);
  }

  /** `helm template` of the chart as release iothub-operator in iothub-system; must succeed. */
  Manifests template(Path... valuesFiles) {
    Result r = run(templateArgs(valuesFiles));
    if (!r.ok()) {
      fail("helm template failed:\n" + r.describe());
    }
    return Manifests.parse(r.stdout());
  }

  static List<String> templateArgs(Path... valuesFiles) {
    List<String> args = new ArrayList<>();
    args.add("template");
    args.add(RELEASE);
    args.add(Project.CHART.toString());
    args.add("--namespace");
    args.add(NAMESPACE);
    for (Path f : valuesFiles) {
      args.add("--values");
      args.add(f.toString());
    }
    return args;
  }

  static List<String> lintArgs(Path... valuesFiles) {
    List<String> args = new ArrayList<>();
    args.add("lint");
    args.add(Project.CHART.toString());
    args.add("--strict");
    args.add("--namespace");
    args.add(NAMESPACE);
    for (Path f : valuesFiles) {
      args.add("--values");
      args.add(f.toString());
    }
    return args;
  }

  /** Runs a process to completion (at most two minutes) and collects its output. */
  public static Result exec(List<String> command, Path dir) {
    return exec(command, dir, Map.of());
  }

  /** Runs a process with extra environment variables to completion (at most two minutes). */
  public static Result exec(List<String> command, Path dir, Map<String, String> env) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
      builder.environment().putAll(env);
      Process p = builder.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out after 120 s: " + String.join(" ", command));
      }
      return new Result(command, p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static CompletableFuture<String> drain(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
