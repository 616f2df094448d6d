package dev.iothub.cli;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryStore;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The samples of docs/cli.md are real runs: every {@code $ iothub ...} or {@code $ kubectl iothub
 * ...} session in its fenced blocks is run here, in a fixed scenario against the embedded API
 * server with the operator (the tutorial's hub with 500 devices), and what it prints, and the exit
 * code an {@code $ echo $?} shows, must match the sample once times, ages, generated names and
 * durations are masked. The answer typed at a confirmation prompt is read from the sample itself. A
 * sample that drifts, or one added to the page without a run here, fails the build.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliDocsMockTest {
  static final Path PAGE = Launcher.PROJECT.resolve("docs/cli.md");
  static final String HUB = "contoso-hub";

  private OperatorHarness h;
  @TempDir Path dir;

  /** Every drifted sample of a scenario, reported together so that one run shows what to fix. */
  private final List<String> drifts = new ArrayList<>();

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
    assertThat(drifts).as("docs/cli.md samples that drifted").isEmpty();
  }

  @Test
  @Order(1)
  void theFailoverSamplesAreRealRuns() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    HubFixtures f = new HubFixtures(h);
    IoTHub hub = f.createReadyHub("fixtures/hub-westus2.yaml");
    Region westus2 = h.settings().regions().find("westus2").orElseThrow();
    new RegistryStore(h.client())
        .write(hub, westus2, HubFixtures.devices(500, "dev-"), h.clock().instant());
    await().atMost(HubFixtures.WAIT).until(() -> devices() == 500);
    ClusterConnector cluster = ClusterConnector.shared(h.client());

    check(cluster, "kubectl iothub failover start contoso-hub -n manlfailrg", "contoso-hbu");
    check(cluster, "kubectl iothub failover start contoso-hub -n manlfailrg", "contoso-hub");
    check(cluster, "kubectl iothub failover status contoso-hub -n manlfailrg", null);
    // The write after the completion, with the fresh quota, comes a moment later.
    await()
        .atMost(HubFixtures.WAIT)
        .until(() -> h.hub(NS, HUB).getStatus().getQuota().getNextOperationAllowedAt() != null);
    check(cluster, "kubectl iothub hub show contoso-hub -n manlfailrg", null);
    check(
        cluster,
        "kubectl iothub failover start contoso-hub -n manlfailrg --confirm contoso-hub",
        null);
    h.clock().advance(Duration.ofMinutes(61));
    CliRun.Result failback =
        CliRun.run(cluster, h.clock(), "", "failover", "start", HUB, "-n", NS, "--confirm", HUB);
    assertThat(failback.code()).as(failback.toString()).isZero();
    check(cluster, "kubectl iothub failover history contoso-hub -n manlfailrg", null);

    // The errors: a hub in another namespace than the context's, no cluster, no CRDs.
    try (ClusterConnector.Connection inDefault =
        new ClusterConnector.Connection(
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder(h.client().getConfiguration())
                        .withNamespace("default")
                        .build())
                .build(),
            true)) {
      check(context -> inDefault, "kubectl iothub hub show contoso-hub", null);
    }
    // The launcher names the project directory; the page's samples show it at alice's.
    String home = System.getProperty(Hints.HOME_PROPERTY);
    System.setProperty(Hints.HOME_PROPERTY, "/home/alice/iothub-operator");
    KubernetesMockServer withoutCrds = new KubernetesMockServer(false);
    withoutCrds.init(InetAddress.getLoopbackAddress(), 0);
    try {
      check(
          new KubeConfigConnector(
              Map.of("KUBECONFIG", ""), new Properties(), Path.of("/home/alice")),
          "KUBECONFIG= kubectl iothub hub show contoso-hub -n manlfailrg",
          null);
      check(
          context -> KubeConfigConnector.connect(withoutCrds.createClient().getConfiguration()),
          "kubectl iothub hub show contoso-hub -n manlfailrg # a cluster without the CRDs",
          null);
    } finally {
      withoutCrds.destroy();
      if (home == null) {
        System.clearProperty(Hints.HOME_PROPERTY);
      } else {
        System.setProperty(Hints.HOME_PROPERTY, home);
      }
    }
  }

  @Test
  @Order(2)
  void theDevicesSamplesAreRealRuns() throws IOException {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml");
    StringBuilder csv = new StringBuilder("# deviceId,primaryKey,enabled\n");
    for (int i = 0; i < 25_000; i++) {
      csv.append("meter-").append(i).append(',').append(DeviceKeys.newKey());
      csv.append(i == 7 ? ",false\n" : "\n");
    }
    Path fleet = Files.writeString(dir.resolve("fleet.csv"), csv);
    ClusterConnector cluster = ClusterConnector.shared(h.client());

    check(cluster, "iothub devices import contoso-hub fleet.csv -n manlfailrg", null, fleet);
    check(cluster, "iothub devices list contoso-hub -n manlfailrg --limit 3", null);
    check(cluster, "iothub devices show contoso-hub meter-7 -n manlfailrg", null);
  }

  @Test
  @Order(3)
  void everySampleOfThePageIsARealRun() {
    assertThat(sessions()).as("sessions found in " + PAGE).hasSizeGreaterThanOrEqualTo(12);
    assertThat(UNCHECKED.keySet())
        .as("samples of docs/cli.md that no run here checks: add them to this test")
        .isEmpty();
  }

  private long devices() {
    IoTHub hub = h.hub(NS, HUB);
    return hub.getStatus().getRegistry() == null ? -1 : hub.getStatus().getRegistry().getDevices();
  }

  private void check(ClusterConnector connector, String command, String typed) {
    check(connector, command, typed, null);
  }

  /** Runs the page's session {@code command} (with {@code typed} at the prompt) and compares. */
  private void check(ClusterConnector connector, String command, String typed, Path file) {
    Session session = UNCHECKED.remove(key(command, typed));
    assertThat(session)
        .as(
            "docs/cli.md has no sample of `%s` (typed: %s), or it was checked twice",
            command, typed)
        .isNotNull();
    List<String> args = new ArrayList<>(arguments(session.command()));
    if (file != null) {
      args.replaceAll(a -> a.equals(file.getFileName().toString()) ? file.toString() : a);
    }
    CliRun.Result r =
        CliRun.run(
            connector,
            h.clock(),
            session.typed() == null ? "" : session.typed() + "\n",
            args.toArray(String[]::new));
    String real = r.out() + r.err();
    String drift = compare(session.expected(), real);
    if (session.exit() != null && session.exit() != r.code()) {
      drift = "exit code " + r.code() + ", the sample's echo $? says " + session.exit();
    }
    if (drift != null) {
      drifts.add(
          "docs/cli.md drifted from the real run of `$ "
              + session.command()
              + "`: "
              + drift
              + "\n--- the page says:\n"
              + String.join("\n", session.expected())
              + "\n--- the command printed (exit "
              + r.code()
              + "):\n"
              + real);
    }
  }

  /** The page's sample as it was typed: env assignments and the command's name dropped. */
  static List<String> arguments(String command) {
    String plain = COMMENT.matcher(command).replaceAll("").trim();
    List<String> words = new ArrayList<>(Arrays.asList(plain.split("\\s+")));
    while (!words.isEmpty() && words.get(0).matches("[A-Z_]+=.*")) {
      words.remove(0);
    }
    if (words.get(0).equals("kubectl")) {
      words.remove(0);
    }
    assertThat(words.remove(0)).as(command).isEqualTo("iothub");
    return words;
  }

  // ---- the page

  /**
   * One {@code $ command} of a fenced block, the lines printed after it, the answer typed at its
   * prompt (null: none) and the exit code of a following {@code $ echo $?} (null: none).
   */
  record Session(String command, String typed, List<String> expected, Integer exit) {}

  private static final Pattern PROMPT =
      Pattern.compile("^Type the hub name to confirm the manual fail(?:over|back): (.*)$");
  private static final Pattern COMMENT = Pattern.compile("\\s+#\\s.*$");

  /** The sessions of the page, by command and typed answer; each run removes its own. */
  private static final Map<String, Session> UNCHECKED = new ConcurrentHashMap<>(byKey(sessions()));

  static List<Session> sessions() {
    List<String> lines;
    try {
      lines = Files.readAllLines(PAGE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<Session> sessions = new ArrayList<>();
    boolean inBlock = false;
    List<String> block = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("```")) {
        if (inBlock && !block.isEmpty() && block.get(0).startsWith("$ ")) {
          sessions.addAll(parse(block));
        }
        inBlock = !inBlock;
        block.clear();
      } else if (inBlock) {
        block.add(line);
      }
    }
    return sessions;
  }

  private static List<Session> parse(List<String> block) {
    List<Session> sessions = new ArrayList<>();
    String command = null;
    List<String> expected = new ArrayList<>();
    Integer exit = null;
    for (int i = 0; i <= block.size(); i++) {
      String line = i < block.size() ? block.get(i) : null;
      if (line != null && line.equals("$ echo $?")) {
        exit = Integer.valueOf(block.get(++i).trim());
        continue;
      }
      if (line == null || line.startsWith("$ ")) {
        if (command != null) {
          while (!expected.isEmpty() && expected.get(expected.size() - 1).isBlank()) {
            expected.remove(expected.size() - 1);
          }
          String typed =
              expected.stream()
                  .map(PROMPT::matcher)
                  .filter(Matcher::matches)
                  .map(m -> m.group(1))
                  .findFirst()
                  .orElse(null);
          sessions.add(new Session(command, typed, List.copyOf(expected), exit));
        }
        if (line != null) {
          command = line.substring(2);
          expected = new ArrayList<>();
          exit = null;
        }
      } else {
        expected.add(line);
      }
    }
    return sessions;
  }

  private static Map<String, Session> byKey(List<Session> sessions) {
    Map<String, Session> map = new LinkedHashMap<>();
    for (Session s : sessions) {
      String key = key(s.command(), s.typed());
      if (map.putIfAbsent(key, s) != null) {
        throw new AssertionError("docs/cli.md has two samples of `" + key + "`: keep one");
      }
    }
    return map;
  }

  private static String key(String command, String typed) {
    String plain = COMMENT.matcher(command).replaceAll("").trim();
    // A comment tells samples of the same command apart only where the cluster differs.
    String note = command.contains("without the CRDs") ? " #no-crds" : "";
    return plain + note + (typed == null ? "" : " <<< " + typed);
  }

  // ---- comparing

  private static final Set<String> ELISION = Set.of("...");

  /** Null when {@code real} matches the sample, else what differs first. */
  static String compare(List<String> sample, String real) {
    List<String> got = new ArrayList<>(real.lines().toList());
    while (!got.isEmpty() && got.get(got.size() - 1).isBlank()) {
      got.remove(got.size() - 1);
    }
    int j = 0;
    for (int i = 0; i < sample.size(); i++) {
      String want = sample.get(i);
      if (ELISION.contains(want.trim())) {
        // "..." stands for any lines, up to the one after it.
        String next = i + 1 < sample.size() ? normalize(sample.get(i + 1)) : null;
        while (j < got.size() && (next == null || !normalize(got.get(j)).equals(next))) {
          j++;
        }
        continue;
      }
      if (isProgress(want)) {
        // The bar is drawn once per change the command saw: a fast operator skips steps, and the
        // request may be taken before the command looks. The final 100% line is always drawn.
        List<String> bar = new ArrayList<>();
        while (i < sample.size() && isProgress(sample.get(i))) {
          bar.add(normalize(sample.get(i++)));
        }
        i--;
        List<String> drawn = new ArrayList<>();
        while (j < got.size() && isProgress(got.get(j))) {
          drawn.add(normalize(got.get(j++)));
        }
        if (!inOrder(drawn, bar)) {
          return "progress " + drawn + " is not drawn from the sample's " + bar;
        }
        String last = bar.get(bar.size() - 1);
        if (last.contains("100%")
            && (drawn.isEmpty() || !drawn.get(drawn.size() - 1).equals(last))) {
          return "the progress bar does not end with " + last;
        }
        continue;
      }
      if (j >= got.size()) {
        return "the output ends before: " + want;
      }
      if (!normalize(got.get(j)).equals(normalize(want))) {
        return "line " + (j + 1) + " is\n  " + got.get(j) + "\nnot\n  " + want;
      }
      j++;
    }
    return j < got.size() ? "the output goes on: " + got.get(j) : null;
  }

  /** Whether each drawn line is a line of the sample's bar, in the bar's order. */
  private static boolean inOrder(List<String> drawn, List<String> bar) {
    int at = 0;
    for (String line : drawn) {
      int k = bar.subList(at, bar.size()).indexOf(line);
      if (k < 0) {
        return false;
      }
      at += k + 1;
    }
    return true;
  }

  private static boolean isProgress(String line) {
    return line.startsWith("  [");
  }

  /** Masks what changes from run to run; spacing is compared as one space. */
  static String normalize(String line) {
    return line.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<time>")
        .replaceAll("-(failover|failback)-[a-z0-9]{5}\\b", "-$1-<name>")
        .replaceAll("-import-[a-z0-9]+\\b", "-import-<name>")
        .replaceAll("\\b\\d+ m?s\\b", "<took>")
        .replaceAll("https?://(127\\.0\\.0\\.1|localhost):\\d+/", "https://<server>/")
        .replaceAll("\\s+", " ")
        .strip();
  }
}
