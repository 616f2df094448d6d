package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.cli.Launcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/install-test-tools.sh decides from what the machine has: it uses tools already there in a
 * version that fits, and installs only what is missing or does not fit. The machine here is a PATH
 * of stand-ins that print the versions each case needs; apt-get, sudo and npm stand-ins record any
 * call, so that a test sees what would have been installed without installing it.
 */
class InstallTestToolsIT {
  /** What the script runs besides the tools it checks. */
  private static final List<String> BASICS =
      List.of("bash", "dirname", "grep", "head", "sort", "cut", "awk", "sed", "id", "cat", "tr");

  @TempDir Path tmp;
  private Path project;
  private Path bin;
  private Path calls;

  @BeforeEach
  void machine() throws IOException {
    project = Files.createDirectories(tmp.resolve("project/scripts")).getParent();
    Path script = project.resolve("scripts/install-test-tools.sh");
    Files.copy(Project.path("scripts/install-test-tools.sh"), script);
    executable(script);
    bin = Files.createDirectories(tmp.resolve("bin"));
    for (String tool : BASICS) {
      Path real = onPath(tool);
      Files.createSymbolicLink(bin.resolve(tool), real);
    }
    calls = tmp.resolve("calls.log");
    for (String installer : List.of("apt-get", "sudo", "npm")) {
      stub(installer, "echo " + installer + " \"$@\" >> " + calls + "\nexit 0");
    }
    for (String tool : List.of("mosquitto_passwd", "xz", "openssl", "curl", "python3")) {
      stub(tool, "exit 0");
    }
  }

  @Test
  void toolsThatFitAreUsedAndNothingIsInstalled() throws IOException {
    stub("helm", "echo v3.17.3+ge4da497");
    stub("kubectl", "echo 'Client Version: v1.32.2'; echo 'Kustomize Version: v5.5.0'");
    stub("mosquitto", "echo 'mosquitto version 2.0.18'; exit 3");
    stub("luajit", "echo 'LuaJIT 2.1.0-beta3'");

    // Not a dry run: a second run on a machine that has everything installs nothing.
    Launcher.Result r = script();

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .containsPattern("helm +3\\.17\\.3 +" + bin.resolve("helm") + " +ok")
        .containsPattern("kubectl +1\\.32\\.2 +" + bin.resolve("kubectl") + " +ok")
        .containsPattern("mosquitto +2\\.0\\.18 +" + bin.resolve("mosquitto") + " +ok")
        .containsPattern("luajit +- +" + bin.resolve("luajit") + " +ok")
        .endsWith("nothing to install: every tool is there in a version that fits\n")
        .doesNotContain("install ");
    assertThat(calls).doesNotExist();
    assertThat(project.resolve(".tools")).doesNotExist();
  }

  @Test
  void missingOrOldToolsAreNamedAndADryRunInstallsNothing() throws IOException {
    stub("helm", "echo v3.8.0+gd141386");
    stub("kubectl", "echo 'Client Version: v1.27.3'");
    stub("mosquitto", "echo 'mosquitto version 1.6.9'; exit 3");
    // no luajit

    Launcher.Result r = script("--dry-run");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .containsPattern("helm +3\\.8\\.0 +\\S+ +does not fit \\(needs 3\\.14\\+, 3\\.x\\)")
        .containsPattern("kubectl +1\\.27\\.3 +\\S+ +does not fit \\(needs 1\\.31 to 1\\.33\\)")
        .containsPattern("mosquitto +1\\.6\\.9 +\\S+ +does not fit \\(needs 2\\.0\\+\\)")
        .containsPattern("luajit +- +- +missing: apt-get install luajit lua-cjson")
        .contains(
            "would install (apt-get, as root): mosquitto mosquitto-clients luajit lua-cjson\n")
        .contains("into .tools/): helm kubectl\n")
        .endsWith("dry run: nothing was installed\n");
    assertThat(calls).as("apt-get, sudo or npm was called").doesNotExist();
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    Launcher.Result r = script("--yes");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("unknown option --yes");
  }

  private Launcher.Result script(String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", bin.toString());
    env.put("HELM", null);
    // No sbin directory: mosquitto is only where the stand-ins are.
    env.put("MOSQUITTO_DIRS", tmp.resolve("no-sbin").toString());
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                onPath("bash").toString(),
                project.resolve("scripts/install-test-tools.sh").toString()));
    command.addAll(List.of(args));
    return Launcher.run(command, env, "", Duration.ofSeconds(60));
  }

  private void stub(String name, String body) throws IOException {
    Path file = Files.writeString(bin.resolve(name), "#!/bin/sh\n" + body + "\n");
    executable(file);
  }

  private static void executable(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Path onPath(String tool) {
    for (String dir : System.getenv("PATH").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(tool + " is not on the PATH");
  }
}
