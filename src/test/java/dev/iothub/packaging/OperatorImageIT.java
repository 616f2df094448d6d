package dev.iothub.packaging;

import static dev.iothub.packaging.Manifests.at;
import static dev.iothub.packaging.Manifests.list;
import static dev.iothub.packaging.Manifests.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator image (src/main/docker/Dockerfile.jvm) against what `mvn package` builds and what
 * the chart runs. No Docker engine here: the Dockerfile is read, its COPY sources are matched in
 * target/quarkus-app, and the chart is rendered with the image it would produce and with another.
 */
class OperatorImageIT {
  static final Path DOCKERFILE = Project.path("src/main/docker/Dockerfile.jvm");

  /** One instruction of the Dockerfile: keyword and arguments (continuation lines joined). */
  record Instruction(String keyword, String args) {}

  static List<Instruction> instructions;

  @BeforeAll
  static void parse() {
    instructions = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String raw : Project.read(DOCKERFILE).lines().toList()) {
      String l = raw.strip();
      if (line.isEmpty() && (l.isEmpty() || l.startsWith("#"))) {
        continue;
      }
      if (l.endsWith("\\")) {
        line.append(l, 0, l.length() - 1).append(' ');
        continue;
      }
      line.append(l);
      String[] parts = line.toString().split("\\s+", 2);
      instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
      line.setLength(0);
    }
  }

  static List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  static String last(String keyword) {
    List<Instruction> found = all(keyword);
    assertThat(found).as(keyword + " in " + DOCKERFILE).isNotEmpty();
    return found.get(found.size() - 1).args();
  }

  /** ENV values by name (the KEY="value" form). */
  static Map<String, String> env() {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (Instruction i : all("ENV")) {
      int eq = i.args().indexOf('=');
      env.put(i.args().substring(0, eq), i.args().substring(eq + 1).replaceAll("^\"|\"$", ""));
    }
    return env;
  }

  static Properties applicationProperties() throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(Project.read("src/main/resources/application.properties")));
    return p;
  }

  static String appVersion() throws IOException {
    return new YAMLMapper()
        .readTree(Project.CHART.resolve("Chart.yaml").toFile())
        .get("appVersion")
        .asText();
  }

  @Test
  void copiesTheFastJarLayoutThatPackageBuilt() throws IOException {
    Path app = Project.path("target/quarkus-app");
    assertThat(app.resolve("quarkus-run.jar"))
        .as("the build output; run mvn package first (verify does)")
        .isRegularFile();
    List<Instruction> copies = all("COPY");
    assertThat(copies).hasSize(4);
    List<String> destinations = new ArrayList<>();
    for (Instruction copy : copies) {
      List<String> words = List.of(copy.args().split("\\s+"));
      assertThat(words.get(0)).as("COPY " + copy.args()).isEqualTo("--chown=185");
      String source = words.get(1);
      String dest = words.get(2);
      assertThat(source).startsWith("target/quarkus-app/");
      assertThat(dest).startsWith("/deployments/");
      destinations.add(dest);
      if (source.contains("*")) {
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + source);
        try (Stream<Path> files = Files.list(Project.path(source).getParent())) {
          List<Path> matched = files.filter(f -> glob.matches(Project.DIR.relativize(f))).toList();
          assertThat(matched).as("files matching " + source).isNotEmpty();
        }
      } else {
        Path dir = Project.path(source);
        assertThat(dir).as(source).isDirectoryContaining(p -> true);
        assertThat(dest).as("a directory goes to a directory").endsWith("/");
      }
    }
    // Every part of the fast-jar layout is in the image; nothing else under target/ is needed.
    try (Stream<Path> parts = Files.list(app)) {
      List<String> needed =
          parts
              .map(p -> p.getFileName().toString())
              .filter(n -> Files.isDirectory(app.resolve(n)) || n.endsWith(".jar"))
              .toList();
      assertThat(needed).containsExactlyInAnyOrder("lib", "app", "quarkus", "quarkus-run.jar");
    }
    assertThat(destinations)
        .containsExactly(
            "/deployments/lib/", "/deployments/", "/deployments/app/", "/deployments/quarkus/");
    // The start script runs the jar that the second COPY put there.
    assertThat(env()).containsEntry("JAVA_APP_JAR", "/deployments/quarkus-run.jar");
    assertThat(last("ENTRYPOINT")).contains("/opt/jboss/container/java/run/run-java.sh");
    // The build context keeps the build output (docker build . would miss it otherwise).
    assertThat(Project.read(".dockerignore").lines()).contains("*", "!target/quarkus-app/*");
  }

  @Test
  void runsAsTheNonRootUserTheChartRunsAsOnAJava17Runtime() throws IOException {
    String user = last("USER");
    assertThat(user).as("USER, numeric so that runAsNonRoot can check it").matches("[1-9][0-9]*");
    Map<String, Object> pod = ChartDeploymentIT.podSpec(Helm.locate().template());
    assertThat(at(pod, "securityContext.runAsUser")).isEqualTo(Integer.parseInt(user));
    assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
    assertThat(last("FROM")).matches("registry\\.access\\.redhat\\.com/ubi9/openjdk-17-runtime:.+");
  }

  @Test
  void exposesThePortOfTheChartsProbesAndMetrics() {
    Manifests m = Helm.locate().template();
    Map<String, Object> c = ChartDeploymentIT.container(m);
    assertThat(last("EXPOSE")).isEqualTo("8080");
    assertThat(at(list(c, "ports").get(0), "containerPort")).isEqualTo(8080);
    assertThat(at(list(c, "ports").get(0), "name")).isEqualTo("http");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(str(c, probe + ".httpGet.port")).as(probe).isEqualTo("http");
      assertThat(str(c, probe + ".httpGet.path")).as(probe).startsWith("/q/health/");
    }
  }

  /** The chart's default image is the one this build names: registry/group/name:appVersion. */
  @Test
  void chartDefaultsToTheImageTheBuildProduces() throws IOException {
    Properties p = applicationProperties();
    String repository =
        p.getProperty("quarkus.container-image.registry")
            + "/"
            + p.getProperty("quarkus.container-image.group")
            + "/"
            + p.getProperty("quarkus.container-image.name");
    String tag = p.getProperty("quarkus.container-image.tag");
    assertThat(tag).isEqualTo(appVersion());
    String pomVersion =
        Project.read("pom.xml")
            .lines()
            .filter(l -> l.strip().startsWith("<version>"))
            .findFirst()
            .orElseThrow()
            .strip()
            .replaceAll("</?version>", "");
    assertThat(pomVersion.replace("-SNAPSHOT", ""))
        .as("the project version is the chart's appVersion")
        .isEqualTo(appVersion());
    Map<String, Object> c = ChartDeploymentIT.container(Helm.locate().template());
    assertThat(str(c, "image")).isEqualTo(repository + ":" + tag);
    assertThat(Project.read(DOCKERFILE)).contains("-t " + repository + ":" + tag);
  }

  @Test
  void chartRendersWithACustomImage() {
    Helm helm = Helm.locate();
    List<String> args = new ArrayList<>(Helm.templateArgs());
    args.addAll(
        List.of(
            "--set",
            "image.repository=registry.example.com/platform/iothub-operator",
            "--set",
            "image.tag=0.1.0-rc1",
            "--set",
            "image.pullPolicy=Always",
            "--set",
            "imagePullSecrets[0].name=registry-example"));
    Helm.Result r = helm.run(args);
    assertThat(r.ok()).as(r.describe()).isTrue();
    Manifests m = Manifests.parse(r.stdout());
    Map<String, Object> c = ChartDeploymentIT.container(m);
    assertThat(str(c, "image"))
        .isEqualTo("registry.example.com/platform/iothub-operator:0.1.0-rc1");
    assertThat(str(c, "imagePullPolicy")).isEqualTo("Always");
    assertThat(str(list(ChartDeploymentIT.podSpec(m), "imagePullSecrets").get(0), "name"))
        .isEqualTo("registry-example");
  }

  /** A read-only root filesystem, with a writable /tmp (the JVM's and Vert.x's temp dir). */
  @Test
  void rootFilesystemIsReadOnlyWithAWritableTmp() {
    Manifests m = Helm.locate().template();
    Map<String, Object> pod = ChartDeploymentIT.podSpec(m);
    Map<String, Object> c = ChartDeploymentIT.container(m);
    assertThat(at(c, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
    List<Object> mounts = list(c, "volumeMounts");
    Object tmp =
        mounts.stream().filter(v -> "/tmp".equals(str(v, "mountPath"))).findFirst().orElseThrow();
    assertThat(at(tmp, "readOnly")).isIn(false, null);
    Object volume =
        list(pod, "volumes").stream()
            .filter(v -> str(tmp, "name").equals(str(v, "name")))
            .findFirst()
            .orElseThrow();
    assertThat(at(volume, "emptyDir")).isNotNull();
    // Nothing else is written: the configuration is mounted read-only where the image looks.
    Object config =
        mounts.stream()
            .filter(v -> "/deployments/config".equals(str(v, "mountPath")))
            .findFirst()
            .orElseThrow();
    assertThat(at(config, "readOnly")).isEqualTo(true);
    assertThat(mounts).hasSize(2);
  }

  /** javaOptions replace the image's JAVA_OPTS_APPEND: the image's flags stay in front. */
  @Test
  void javaOptionsKeepTheImagesFlags() {
    List<String> args = new ArrayList<>(Helm.templateArgs());
    args.addAll(List.of("--set", "javaOptions=-XX:MaxRAMPercentage=70"));
    Helm.Result r = Helm.locate().run(args);
    assertThat(r.ok()).as(r.describe()).isTrue();
    Map<String, Object> c = ChartDeploymentIT.container(Manifests.parse(r.stdout()));
    Object opts =
        list(c, "env").stream()
            .filter(e -> "JAVA_OPTS_APPEND".equals(str(e, "name")))
            .findFirst()
            .orElseThrow();
    assertThat(str(opts, "value"))
        .isEqualTo(env().get("JAVA_OPTS_APPEND") + " -XX:MaxRAMPercentage=70");
  }
}
