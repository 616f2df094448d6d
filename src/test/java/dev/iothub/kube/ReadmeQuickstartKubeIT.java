package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.packaging.Helm;
import dev.iothub.packaging.Project;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's "Quickstart on a real cluster", run as written: every fenced {@code sh} block of the
 * section, in order, through bash with kubectl on the test cluster, from the project's root. So the
 * README cannot drift from what works.
 *
 * <p>The operator is started the way the README says (the packaged jar on the user's kube context,
 * here the cluster's administrator), not the chart: the quickstart is the no-install path, and
 * TutorialKubeIT plays the same tutorial with the chart's ServiceAccount. The one difference is
 * {@code IOTHUB_FAILOVER_MIN_INTERVAL=PT9S}, so that the README's wait for the failback is one turn
 * of its 10-second loop instead of an hour. A command the test cannot run carries the marker {@code
 * # [not in the README test: why]}; the set of such commands is pinned here, so marking another one
 * fails the test. The test plays the kubelet for the broker Deployments only: the device pod of
 * step 4 is created and checked, never run (PlaygroundMqttIT covers a device over MQTT with real
 * mosquitto brokers).
 */
class ReadmeQuickstartKubeIT {
  static final String SECTION = "## Quickstart on a real cluster";
  static final String MARKER = "# [not in the README test:";
  static final String OPERATOR_COMMAND = "java -jar target/quarkus-app/quarkus-run.jar";
  static final Duration WAIT = Duration.ofSeconds(60);

  /** The commands the test does not run, each with the reason the README gives. */
  static final List<String> NOT_RUN =
      List.of(
          "mvn -B -q -DskipTests package",
          OPERATOR_COMMAND,
          "kubectl -n manlfailrg logs thermostat-1",
          "kill %1",
          "kubectl delete -f crds/");

  static RealCluster cluster;
  static AutoCloseable kubelet;
  static OperatorProcess operator;

  @BeforeAll
  static void kubelet() {
    cluster = RealCluster.get();
    kubelet = cluster.playKubelet();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster == null) {
      return;
    }
    // Whatever a failed step left: the hubs first, while the operator still runs, then every
    // namespace in one call.
    cluster.deleteHubs(TutorialKubeIT.NS);
    cluster.deleteNamespaces(WAIT, TutorialKubeIT.NS, TutorialKubeIT.WEST, TutorialKubeIT.CENTRAL);
    RealCluster.closeAll(operator, kubelet);
  }

  /** The fenced sh blocks of the README's quickstart section, in order. */
  static List<String> blocks() {
    String readme = Project.read("README.md");
    int start = readme.indexOf(SECTION);
    assertThat(start).as("README.md has the section " + SECTION).isNotNegative();
    int end = readme.indexOf("\n## ", start + SECTION.length());
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("(?ms)^```sh\\n(.*?)^```$").matcher(section);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  @Test
  void theQuickstartRunsAsWrittenToTheEnd() {
    List<String> blocks = blocks();
    assertThat(blocks).as("sh blocks of the quickstart").hasSize(8);
    List<String> notRun = new ArrayList<>();
    for (String block : blocks) {
      StringBuilder script = new StringBuilder();
      StringBuilder out = new StringBuilder();
      for (String line : block.lines().toList()) {
        if (!line.contains(MARKER)) {
          script.append(line).append('\n');
          continue;
        }
        // What comes before a marked command runs before it.
        out.append(run(script));
        script.setLength(0);
        String command = line.substring(0, line.indexOf('#')).strip();
        notRun.add(command);
        if (command.startsWith(OPERATOR_COMMAND)) {
          startOperator();
        }
      }
      out.append(run(script));
      check(block, out.toString());
    }
    assertThat(notRun)
        .as("commands marked " + MARKER + "...]")
        .zipSatisfy(NOT_RUN, (command, expected) -> assertThat(command).startsWith(expected))
        .hasSameSizeAs(NOT_RUN);
  }

  /** The evidence of each step, checked as soon as its block has run. */
  private void check(String block, String out) {
    if (block.contains("01-hub.yaml")) {
      assertThat(out).containsPattern("contoso-hub +\\S+ +West US 2 +West Central US +0 +Active");
    } else if (block.contains("04-devices.yaml")) {
      assertThat(out)
          .containsPattern("pump +\\S+ +false +contoso-hub +Registered +true")
          .containsPattern("thermostat-1 +\\S+ +true +contoso-hub +Registered +true");
    } else if (block.contains("run thermostat-1")) {
      devicePod();
    } else if (block.contains("02-failover.yaml")) {
      assertThat(out).containsPattern("contoso-hub +\\S+ +West Central US +West US 2 +2 +Active");
      assertThat(request("contoso-hub-failover-1").getStatus().getType())
          .isEqualTo(OperationType.Failover);
    } else if (block.contains("03-failback.yaml")) {
      assertThat(out)
          .contains(
              "TooSoon: The previous operation on contoso-hub completed less than 9 seconds ago",
              request("contoso-hub-failback-1").getStatus().getRetryAfter());
    } else if (block.contains("05-failback-later.yaml")) {
      FailoverRequest done = request("contoso-hub-failback-2");
      assertThat(done.getStatus().getType()).isEqualTo(OperationType.Failback);
      assertThat(out).containsPattern("contoso-hub +\\S+ +West US 2 +West Central US +2 +Active");
      IoTHub hub = hub();
      assertThat(hub.getStatus().getHistory())
          .extracting(r -> r.getResult())
          .containsExactly(RequestPhase.Succeeded, RequestPhase.Rejected, RequestPhase.Succeeded);
    } else if (block.contains("delete namespace manlfailrg")) {
      for (String ns :
          new String[] {TutorialKubeIT.NS, TutorialKubeIT.WEST, TutorialKubeIT.CENTRAL}) {
        assertThat(cluster.admin().namespaces().withName(ns).get()).as(ns).isNull();
      }
      // kubectl says so on stderr, once for each region namespace.
      assertThat(out.split("No resources found", -1)).hasSize(3);
      assertThat(operator.alive()).isTrue();
    }
  }

  /** The device pod of step 4 as the API server admitted it: the hub's endpoint, CA and key. */
  private void devicePod() {
    Pod pod = cluster.admin().pods().inNamespace(TutorialKubeIT.NS).withName("thermostat-1").get();
    assertThat(pod).as("the device pod").isNotNull();
    Container c = pod.getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("eclipse-mosquitto:2");
    assertThat(c.getCommand())
        .startsWith("mosquitto_sub")
        .containsSubsequence("-h", "$(HOST)", "-p", "8883", "--cafile", "/ca/ca.crt")
        .containsSubsequence("-u", "thermostat-1", "-P", "$(KEY)");
    Map<String, EnvVar> env = new java.util.HashMap<>();
    c.getEnv().forEach(e -> env.put(e.getName(), e));
    assertThat(env.get("HOST").getValue()).isEqualTo(hub().getStatus().getHostName()).isNotBlank();
    assertThat(env.get("KEY").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("thermostat-1-key");
    assertThat(
            cluster.admin().secrets().inNamespace(TutorialKubeIT.NS).withName("thermostat-1-key"))
        .matches(s -> s.get().getData().containsKey("primaryKey"), "has primaryKey");
    String caSecret = pod.getSpec().getVolumes().get(0).getSecret().getSecretName();
    assertThat(cluster.admin().secrets().inNamespace(TutorialKubeIT.NS).withName(caSecret).get())
        .matches(s -> s.getData().containsKey("ca.crt"), "has ca.crt");
  }

  private static IoTHub hub() {
    return cluster
        .admin()
        .resources(IoTHub.class)
        .inNamespace(TutorialKubeIT.NS)
        .withName("contoso-hub")
        .get();
  }

  private static FailoverRequest request(String name) {
    return cluster
        .admin()
        .resources(FailoverRequest.class)
        .inNamespace(TutorialKubeIT.NS)
        .withName(name)
        .get();
  }

  private static void startOperator() {
    try {
      Files.createDirectories(RealCluster.WORK);
      Path properties = RealCluster.WORK.resolve("readme-quickstart.properties");
      Files.writeString(properties, "");
      operator =
          OperatorProcess.start(
              "readme-quickstart",
              cluster.kubeconfig(),
              properties,
              Map.of("IOTHUB_FAILOVER_MIN_INTERVAL", "PT9S"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the lines through bash as a user's shell would, stopping at the first failure. */
  private static String run(CharSequence script) {
    if (script.toString().isBlank()) {
      return "";
    }
    String kubectlDir =
        RealCluster.KUBECTL.contains("/") ? Path.of(RealCluster.KUBECTL).getParent() + ":" : "";
    Helm.Result r =
        Helm.exec(
            List.of("bash", "-e", "-o", "pipefail", "-c", script.toString()),
            Project.DIR,
            Map.of(
                "KUBECONFIG",
                cluster.kubeconfig().toString(),
                "PATH",
                kubectlDir + System.getenv("PATH")));
    assertThat(r.ok()).as("README quickstart commands:\n" + script + "\n" + r.describe()).isTrue();
    return r.stdout() + r.stderr();
  }
}
