package dev.iothub.embedded;

import dev.iothub.operator.hub.BrokerResources;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * SIMULATED pod, real broker: one pod of a broker Deployment, run as a mosquitto process on this
 * machine. The pod's volumes (ConfigMaps, Secrets, projected Secrets, emptyDirs) are written under
 * a temporary directory at their mount paths, the init containers' scripts run there, then the
 * broker container's command; only the mount paths move under that directory and the listener moves
 * to a loopback port. Projected volumes are written as the kubelet's atomic writer does: the files
 * in a timestamped directory, {@code ..data} a link to it swapped by one rename per update, each
 * file a link through {@code ..data}. {@link #refresh} does what the kubelet and the pod's reloader
 * do when a projected Secret changes: the volume is swapped, the init scripts run again and
 * mosquitto gets SIGHUP, so connected clients stay connected.
 */
public final class LocalBrokerPod implements AutoCloseable {
  /** The broker container: named so by the operator, else the pod's first container. */
  static final String BROKER_CONTAINER = "mosquitto";

  private final KubernetesClient client;
  private final String namespace;
  private final PodSpec spec;
  private final Map<String, String> labels;
  private final Path root;
  private final Pattern mountPaths;
  private final int port;
  private final UserPrincipal brokerUser;
  private Map<Path, String> projected = Map.of();

  /** What the projected volumes hold now, as the kubelet last wrote them. */
  private Map<Path, String> written = Map.of();

  private long swaps;
  private MosquittoProcess process;

  private LocalBrokerPod(KubernetesClient client, Deployment d, Path root, int port)
      throws IOException {
    this.client = client;
    this.namespace = d.getMetadata().getNamespace();
    this.spec = d.getSpec().getTemplate().getSpec();
    this.labels =
        Objects.requireNonNullElse(d.getSpec().getTemplate().getMetadata().getLabels(), Map.of());
    this.root = root;
    this.port = port;
    // One pass, longest first, so that a moved path is never moved again.
    this.mountPaths =
        Pattern.compile(
            mounts().values().stream()
                .distinct()
                .sorted(Comparator.comparing(String::length).reversed())
                .map(Pattern::quote)
                .collect(
                    Collectors.collectingAndThen(
                        Collectors.joining("|"),
                        alternatives -> alternatives.isEmpty() ? "(?!)" : alternatives)));
    this.brokerUser = brokerUser(root);
  }

  /** Starts a pod of {@code deployment}; fails with what a pod's events would say. */
  public static LocalBrokerPod start(KubernetesClient client, Deployment deployment) {
    Path root = null;
    try {
      root = Files.createTempDirectory("iothub-pod-");
      LocalBrokerPod pod =
          new LocalBrokerPod(client, deployment, root, MosquittoProcess.freePort());
      pod.writeVolumes();
      pod.projected = pod.projectedFiles();
      pod.writeProjected(pod.projected);
      pod.runInitContainers();
      pod.process = MosquittoProcess.start(pod.configFile(), pod.port);
      return pod;
    } catch (IOException e) {
      deleteTree(root);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      deleteTree(root);
      throw e;
    }
  }

  String namespace() {
    return namespace;
  }

  public int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** True when a Service with this selector sends its traffic to this pod. */
  boolean selectedBy(Map<String, String> selector) {
    return selector != null
        && !selector.isEmpty()
        && labels.entrySet().containsAll(selector.entrySet());
  }

  /** The reloader's work after the kubelet updated projected Secrets: rejoin, then SIGHUP. */
  void refresh() {
    Map<Path, String> now = projectedFiles();
    if (now.equals(projected)) {
      return;
    }
    writeProjected(now);
    runInitContainers();
    process.reload();
    projected = now; // only now: a failed reload is tried again on the next sync
  }

  /**
   * The kubelet's part of a Secret update alone: the projected files as the Secrets are now, and
   * nothing run after them (no init script, no signal), to test the pod's own reloader.
   */
  public void writeProjectedFiles() {
    writeProjected(projectedFiles());
  }

  /** How many times mosquitto logged that it reloaded (SIGHUP): what the pod's reloader caused. */
  public int reloads() {
    return process.count("Reloading config");
  }

  /**
   * The kubelet's atomic writer: when the Secrets differ from what the volume holds, each changed
   * volume gets a new timestamped directory, {@code ..data} is swapped to it by one rename, the
   * files' links are added or removed, and the old directory is deleted. Nothing changes otherwise.
   */
  private void writeProjected(Map<Path, String> now) {
    if (now.equals(written)) {
      return;
    }
    Map<Path, Map<String, String>> volumes = new LinkedHashMap<>();
    for (Path dir :
        Stream.concat(written.keySet().stream(), now.keySet().stream())
            .map(Path::getParent)
            .toList()) {
      volumes.putIfAbsent(dir, new LinkedHashMap<>());
    }
    now.forEach(
        (file, content) ->
            volumes.get(file.getParent()).put(file.getFileName().toString(), content));
    try {
      for (var volume : volumes.entrySet()) {
        swap(volume.getKey(), volume.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    written = Map.copyOf(now);
  }

  private void swap(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve("..data");
    Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    String name = String.format("..%d_%09d", System.currentTimeMillis(), ++swaps);
    Path fresh = dir.resolve(name);
    Files.createDirectory(fresh);
    for (var f : files.entrySet()) {
      Files.write(fresh.resolve(f.getKey()), f.getValue().getBytes(StandardCharsets.ISO_8859_1));
    }
    handToBroker(fresh);
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(name));
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path link : entries.toList()) {
        String file = link.getFileName().toString();
        if (!file.startsWith("..") && !files.containsKey(file)) {
          Files.delete(link);
        }
      }
    }
    for (String file : files.keySet()) {
      Path link = dir.resolve(file);
      if (!Files.isSymbolicLink(link)) {
        Files.createSymbolicLink(link, Path.of("..data", file));
      }
    }
    if (old != null) {
      deleteTree(old);
    }
  }

  /**
   * Starts a container of the pod other than the broker (the auth reloader) as a process here, its
   * mount paths moved like the broker's. Its signal to mosquitto goes to this pod's broker only:
   * processes here share no PID namespace, and other brokers on this machine are not this pod's.
   * The caller stops it.
   */
  public Process startSidecar(String name) {
    Container c =
        spec.getContainers().stream()
            .filter(x -> x.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no container " + name));
    List<String> command = new ArrayList<>();
    Stream.concat(
            Objects.requireNonNullElse(c.getCommand(), List.<String>of()).stream(),
            Objects.requireNonNullElse(c.getArgs(), List.<String>of()).stream())
        .map(this::localize)
        .map(part -> part.replace(BrokerResources.SIGNAL, "kill -HUP " + process.pid()))
        .forEach(command::add);
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
    deleteTree(root);
  }

  private void writeVolumes() throws IOException {
    Map<String, String> mounts = mounts();
    for (Volume v : spec.getVolumes()) {
      String mountPath = mounts.get(v.getName());
      if (mountPath == null) {
        continue;
      }
      Path dir = local(mountPath);
      Files.createDirectories(dir);
      if (v.getConfigMap() != null) {
        String name = v.getConfigMap().getName();
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
        write(files(dir, "ConfigMap " + name, cm == null ? null : cm.getData(), this::localize));
      } else if (v.getSecret() != null) {
        String name = v.getSecret().getSecretName();
        Secret s = client.secrets().inNamespace(namespace).withName(name).get();
        write(files(dir, "Secret " + name, s == null ? null : s.getData(), LocalBrokerPod::decode));
      }
    }
    handToBroker();
  }

  /**
   * A ConfigMap's or Secret's keys as files in {@code dir}; a missing object keeps the pod down.
   */
  private Map<Path, String> files(
      Path dir, String object, Map<String, String> data, UnaryOperator<String> content) {
    if (data == null) {
      throw new IllegalStateException(object + " in " + namespace + " not found or empty");
    }
    Map<Path, String> files = new LinkedHashMap<>();
    data.forEach((key, value) -> files.put(dir.resolve(key), content.apply(value)));
    return files;
  }

  /** The files of the projected volumes, as the kubelet would write them now. */
  private Map<Path, String> projectedFiles() {
    Map<String, String> mounts = mounts();
    Map<String, Secret> secrets = new LinkedHashMap<>();
    client
        .secrets()
        .inNamespace(namespace)
        .list()
        .getItems()
        .forEach(s -> secrets.put(s.getMetadata().getName(), s));
    Map<Path, String> files = new LinkedHashMap<>();
    for (Volume v : spec.getVolumes()) {
      if (v.getProjected() == null || !mounts.containsKey(v.getName())) {
        continue;
      }
      Path dir = local(mounts.get(v.getName()));
      for (VolumeProjection p : v.getProjected().getSources()) {
        if (p.getSecret() == null) {
          continue;
        }
        Secret s = secrets.get(p.getSecret().getName());
        if (s == null) {
          if (!Boolean.TRUE.equals(p.getSecret().getOptional())) {
            throw new IllegalStateException(
                "Secret " + namespace + "/" + p.getSecret().getName() + " not found");
          }
          continue;
        }
        for (KeyToPath item : p.getSecret().getItems()) {
          String data = s.getData() == null ? null : s.getData().get(item.getKey());
          if (data != null) {
            files.put(dir.resolve(item.getPath()), bytesOf(data));
          }
        }
      }
    }
    return files;
  }

  private void runInitContainers() {
    for (Container c : Objects.requireNonNullElse(spec.getInitContainers(), List.<Container>of())) {
      List<String> command = new ArrayList<>();
      Objects.requireNonNullElse(c.getCommand(), List.<String>of())
          .forEach(part -> command.add(localize(part)));
      Objects.requireNonNullElse(c.getArgs(), List.<String>of())
          .forEach(part -> command.add(localize(part)));
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
          throw new IllegalStateException(
              "init container " + c.getName() + " exited with " + p.exitValue() + ": " + output);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    handToBroker();
  }

  /** The file after {@code -c} in the broker container's command line. */
  private Path configFile() {
    Container broker =
        spec.getContainers().stream()
            .filter(c -> c.getName().equals(BROKER_CONTAINER))
            .findFirst()
            .orElse(spec.getContainers().get(0));
    List<String> line = new ArrayList<>();
    line.addAll(Objects.requireNonNullElse(broker.getCommand(), List.of()));
    line.addAll(Objects.requireNonNullElse(broker.getArgs(), List.of()));
    int flag = line.indexOf("-c");
    if (flag < 0 || flag + 1 >= line.size()) {
      throw new IllegalStateException(
          "container " + broker.getName() + " does not run mosquitto -c <file>: " + line);
    }
    return Path.of(localize(line.get(flag + 1)));
  }

  /** Volume name to mount path, over every container of the pod (init containers first). */
  private Map<String, String> mounts() {
    Map<String, String> mounts = new LinkedHashMap<>();
    Stream.concat(
            Objects.requireNonNullElse(spec.getInitContainers(), List.<Container>of()).stream(),
            spec.getContainers().stream())
        .flatMap(
            c -> Objects.requireNonNullElse(c.getVolumeMounts(), List.<VolumeMount>of()).stream())
        .forEach(m -> mounts.putIfAbsent(m.getName(), m.getMountPath()));
    return mounts;
  }

  /** Moves the pod's paths under this pod's directory and its listener to the loopback port. */
  private String localize(String text) {
    Matcher m = mountPaths.matcher(text);
    String moved = m.replaceAll(r -> Matcher.quoteReplacement(root + r.group()));
    return moved.replaceAll("(?m)^listener \\d+$", "listener " + port + " 127.0.0.1");
  }

  private Path local(String mountPath) {
    return Path.of(root + mountPath);
  }

  private void write(Map<Path, String> files) throws IOException {
    for (var e : files.entrySet()) {
      Files.createDirectories(e.getKey().getParent());
      Files.writeString(e.getKey(), e.getValue(), StandardCharsets.UTF_8);
    }
    handToBroker();
  }

  /**
   * Mosquitto started as root drops to the {@code mosquitto} user before reading its files, as the
   * image's non-root uid would own them in a pod; nothing is left readable by others.
   */
  private void handToBroker() {
    handToBroker(root);
  }

  private void handToBroker(Path under) {
    try (Stream<Path> paths = Files.walk(under)) {
      for (Path p : paths.toList()) {
        try {
          Files.setPosixFilePermissions(
              p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
          if (brokerUser != null) {
            Files.setOwner(p, brokerUser);
          }
        } catch (java.nio.file.NoSuchFileException gone) {
          // a file the pod's reloader renamed meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static UserPrincipal brokerUser(Path root) throws IOException {
    if (!"root".equals(System.getProperty("user.name"))) {
      return null;
    }
    return root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("mosquitto");
  }

  /**
   * A Secret value's bytes as they are (one char per byte): projected files include compressed
   * registry shards, which a UTF-8 decoding would corrupt.
   */
  private static String bytesOf(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.ISO_8859_1);
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A temporary directory left behind is not worth failing a stop for.
    }
  }
}
