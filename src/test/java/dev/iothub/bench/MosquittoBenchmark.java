package dev.iothub.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iothub.embedded.MosquittoProcess;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.hub.BrokerResources;
import dev.iothub.operator.registry.DeviceRecord;
import dev.iothub.operator.registry.RegistryShard;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Real mosquitto (the one installed here) loading a hub-sized password file: start until it accepts
 * an MQTT CONNECT, RSS after load, and SIGHUP reloads, measured from the moment the new file is in
 * place (as the pod's reloader moves it there) until the broker accepts an added device and refuses
 * a removed one; and whether connected clients stay connected across a reload. Ids are realistic
 * (36-character UUIDs) and hashes real {@code $7$} PBKDF2-SHA512 ones; hashing a million keys would
 * take minutes, so a few hundred distinct hashes are cycled over the devices, which does not change
 * mosquitto's cost: it stores and compares each line's strings and hashes a password only when a
 * client connects. Plain TCP on loopback: TLS costs the same whatever the file size. Then, if the
 * dynamic-security plugin is installed, the same fleet as its clients and one client added through
 * its control topic. Run with {@code scripts/benchmark.sh mosquitto [sizes=1000000] [runs=3]}.
 */
public final class MosquittoBenchmark {
  private static final int DISTINCT_HASHES = 256;
  private static final int HELD_CONNECTIONS = 50;
  private static final Duration START = Duration.ofMinutes(5);
  private static final Duration ANSWER = Duration.ofSeconds(120);
  private static final List<Path> DYNSEC =
      List.of(
          Path.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"),
          Path.of("/usr/lib/mosquitto_dynamic_security.so"),
          Path.of("/usr/local/lib/mosquitto_dynamic_security.so"));
  private static final AtomicInteger PROBES = new AtomicInteger();

  private MosquittoBenchmark() {}

  public static void main(String[] args) {
    BenchmarkMain.exitAfter(MosquittoBenchmark::run, args);
  }

  private static void run(String[] args) throws Exception {
    int[] sizes =
        args.length > 0
            ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
            : new int[] {1_000_000};
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path binary =
        MosquittoProcess.binary().orElseThrow(() -> new IllegalStateException("no mosquitto"));
    System.out.printf(
        "%nmosquitto %s (%s), %d runs per size; medians [min..max]%n",
        MosquittoProcess.version(binary).orElse("?"), binary, runs);
    Keys keys = Keys.make();
    Path dir = Files.createTempDirectory("mosquitto-bench-");
    try {
      Map<Integer, Map<String, List<Long>>> results = new LinkedHashMap<>();
      for (int n : sizes) {
        String[] ids = ids(n);
        Map<String, List<Long>> m = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
          once(dir, ids, keys)
              .forEach((k, v) -> m.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
          System.err.printf("%,d devices, run %d: %s%n", n, run + 1, m);
        }
        results.put(n, m);
      }
      System.out.println();
      table(results);
      Path plugin = DYNSEC.stream().filter(Files::isRegularFile).findFirst().orElse(null);
      if (plugin == null) {
        System.out.println("\nThe dynamic-security plugin is not installed here: not measured.");
      } else {
        int n = sizes[sizes.length - 1];
        Map<String, List<Long>> m = new LinkedHashMap<>();
        String[] ids = ids(n);
        for (int run = 0; run < runs; run++) {
          dynsec(dir, plugin, ids, keys)
              .forEach((k, v) -> m.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
          System.err.printf("dynsec %,d clients, run %d: %s%n", n, run + 1, m);
        }
        System.out.printf("%nDynamic-security plugin (%s), %,d clients%n%n", plugin, n);
        Medians.header();
        m.forEach(Medians::row);
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static void table(Map<Integer, Map<String, List<Long>>> results) {
    List<String> measures = new ArrayList<>(results.values().iterator().next().keySet());
    StringBuilder head = new StringBuilder("| measure |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int n : results.keySet()) {
      head.append(String.format(" %,d devices |", n));
      rule.append("---|");
    }
    System.out.println(head);
    System.out.println(rule);
    for (String measure : measures) {
      StringBuilder row = new StringBuilder("| " + measure + " |");
      for (Map<String, List<Long>> m : results.values()) {
        List<Long> v = m.get(measure);
        row.append(
            String.format(
                " %,d [%,d..%,d] |",
                Medians.median(v),
                v.stream().min(Long::compare).orElseThrow(),
                v.stream().max(Long::compare).orElseThrow()));
      }
      System.out.println(row);
    }
  }

  /** One broker over a fresh password file of {@code ids}: start, load, two reloads, stop. */
  private static Map<String, Long> once(Path dir, String[] ids, Keys keys) throws Exception {
    Map<String, Long> out = new LinkedHashMap<>();
    Path passwd = dir.resolve("passwd");
    long t = System.nanoTime();
    writePasswords(passwd, ids, keys, -1, null);
    out.put("write password file (ms)", ms(t));
    out.put("password file (bytes)", Files.size(passwd));
    out.putAll(assembleFromShards(dir, ids, keys, Files.size(passwd)));
    int port = MosquittoProcess.freePort();
    Path conf = dir.resolve("mosquitto.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            // Started as root (a container here), mosquitto would drop to its own user, which
            // cannot read this run's temporary directory.
            "user " + System.getProperty("user.name"),
            "per_listener_settings false",
            "allow_anonymous false",
            "password_file " + passwd,
            "persistence false",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages false",
            "max_keepalive 600",
            "listener " + port + " 127.0.0.1",
            ""));
    t = System.nanoTime();
    try (MosquittoProcess broker = MosquittoProcess.start(conf, port, START)) {
      out.put("start until listening (ms)", ms(t));
      awaitAnswer(port, ids[0], keys.key(0), true);
      out.put("start until a CONNECT is accepted (ms)", ms(t));
      out.put("RSS after load (MiB)", status(broker.pid(), "VmRSS") / 1024);

      List<Socket> held = new ArrayList<>();
      for (int i = 1; i <= HELD_CONNECTIONS; i++) {
        held.add(hold(port, ids[i], keys.key(i)));
      }
      int removed = ids.length / 2;
      Socket removedHeld = hold(port, ids[removed], keys.key(removed));

      // Added: a new device's line, the file replaced by a rename as the reloader does, SIGHUP.
      String added = "added-" + UUID.randomUUID().toString().substring(6);
      writePasswords(dir.resolve("passwd.new"), ids, keys, -1, added + ":" + keys.hash(0));
      t = System.nanoTime();
      Files.move(dir.resolve("passwd.new"), passwd, StandardCopyOption.ATOMIC_MOVE);
      hup(broker.pid());
      awaitAnswer(port, added, keys.key(0), true);
      out.put("file replaced + SIGHUP until an added device is accepted (ms)", ms(t));

      // Removed: the same without one device's line.
      writePasswords(dir.resolve("passwd.new"), ids, keys, removed, added + ":" + keys.hash(0));
      t = System.nanoTime();
      Files.move(dir.resolve("passwd.new"), passwd, StandardCopyOption.ATOMIC_MOVE);
      hup(broker.pid());
      awaitAnswer(port, ids[removed], keys.key(removed), false);
      out.put("file replaced + SIGHUP until a removed device is refused (ms)", ms(t));
      out.put("RSS after 2 reloads (MiB)", status(broker.pid(), "VmRSS") / 1024);
      out.put("peak RSS, load and reloads (MiB)", status(broker.pid(), "VmHWM") / 1024);

      long alive = held.stream().filter(MosquittoBenchmark::answersPing).count();
      out.put("held connections still up after 2 reloads (of " + HELD_CONNECTIONS + ")", alive);
      out.put(
          "removed device's held connection still up (1 = yes)",
          answersPing(removedHeld) ? 1L : 0L);
      for (Socket s : held) {
        s.close();
      }
      removedHeld.close();
    }
    return out;
  }

  /** The fleet as dynamic-security clients; one client added through the control topic. */
  private static Map<String, Long> dynsec(Path dir, Path plugin, String[] ids, Keys keys)
      throws Exception {
    Map<String, Long> out = new LinkedHashMap<>();
    Path json = dir.resolve("dynamic-security.json");
    Files.deleteIfExists(json);
    String adminPassword = "bench-" + UUID.randomUUID();
    run(List.of("mosquitto_ctrl", "dynsec", "init", json.toString(), "admin", adminPassword));
    long t = System.nanoTime();
    writeDynsec(json, ids, keys);
    out.put("write dynamic-security.json (ms)", ms(t));
    out.put("dynamic-security.json (bytes)", Files.size(json));
    int port = MosquittoProcess.freePort();
    Path conf = dir.resolve("dynsec.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            // Started as root (a container here), mosquitto would drop to its own user, which
            // cannot read this run's temporary directory.
            "user " + System.getProperty("user.name"),
            "per_listener_settings false",
            "allow_anonymous false",
            "plugin " + plugin,
            "plugin_opt_config_file " + json,
            "persistence false",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages false",
            "listener " + port + " 127.0.0.1",
            ""));
    t = System.nanoTime();
    try (MosquittoProcess broker = MosquittoProcess.start(conf, port, START)) {
      out.put("start until listening (ms)", ms(t));
      awaitAnswer(port, ids[0], keys.key(0), true);
      out.put("start until a CONNECT is accepted (ms)", ms(t));
      out.put("RSS after load (MiB)", status(broker.pid(), "VmRSS") / 1024);
      Socket held = hold(port, ids[1], keys.key(1));
      String added = "added-" + UUID.randomUUID().toString().substring(6);
      control(port, adminPassword, "getClient", "admin", null); // warms up the MQTT client
      t = System.nanoTime();
      control(port, adminPassword, "createClient", added, keys.key(0));
      out.put("createClient until answered (ms)", ms(t));
      awaitAnswer(port, added, keys.key(0), true);
      out.put("createClient until the client is accepted (ms)", ms(t));
      t = System.nanoTime();
      control(port, adminPassword, "deleteClient", ids[2], null);
      out.put("deleteClient until answered (ms)", ms(t));
      awaitAnswer(port, ids[2], keys.key(2), false);
      out.put("deleteClient until the client is refused (ms)", ms(t));
      out.put("peak RSS (MiB)", status(broker.pid(), "VmHWM") / 1024);
      out.put("held connection still up (1 = yes)", answersPing(held) ? 1L : 0L);
      held.close();
    }
    return out;
  }

  /**
   * One command on the plugin's control topic, waiting (up to {@link #ANSWER}) for its response:
   * mosquitto_ctrl returned after 10 s here without the change being in effect yet.
   */
  private static void control(
      int port, String adminPassword, String command, String username, String password)
      throws Exception {
    var admin =
        com.hivemq.client.mqtt.MqttClient.builder()
            .useMqttVersion5()
            .identifier("bench-admin-" + PROBES.incrementAndGet())
            .serverHost(InetAddress.getLoopbackAddress())
            .serverPort(port)
            .buildBlocking();
    admin
        .connectWith()
        .simpleAuth()
        .username("admin")
        .password(adminPassword.getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth()
        .send();
    try (var responses =
        admin.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.SUBSCRIBED)) {
      admin.subscribeWith().topicFilter("$CONTROL/dynamic-security/v1/response").send();
      Map<String, String> body = new LinkedHashMap<>();
      body.put("command", command);
      body.put("username", username);
      if (password != null) {
        body.put("password", password);
      }
      admin
          .publishWith()
          .topic("$CONTROL/dynamic-security/v1")
          .payload(new ObjectMapper().writeValueAsBytes(Map.of("commands", List.of(body))))
          .send();
      var response =
          responses
              .receive(ANSWER.toMillis(), TimeUnit.MILLISECONDS)
              .orElseThrow(() -> new IllegalStateException(command + ": no response"));
      String text = new String(response.getPayloadAsBytes(), StandardCharsets.UTF_8);
      if (text.contains("\"error\"")) {
        throw new IllegalStateException(command + ": " + text);
      }
    } finally {
      admin.disconnect();
    }
  }

  /**
   * The same file as the broker pod assembles it: the devices as registry shards (the count the
   * operator grows to for this fleet) in a volume laid out as the kubelet lays it out, and the
   * pod's own script (gunzip and sed per shard) run by this machine's shell.
   */
  private static Map<String, Long> assembleFromShards(
      Path dir, String[] ids, Keys keys, long expectedBytes) throws Exception {
    int shards = Math.max(32, Integer.highestOneBit(Math.max(1, ids.length / 2000) * 2 - 1));
    List<List<DeviceRecord>> byShard = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      byShard.add(new ArrayList<>());
    }
    for (int i = 0; i < ids.length; i++) {
      byShard
          .get(RegistryShard.indexOf(ids[i], shards))
          .add(new DeviceRecord(ids[i], true, keys.hash(i), "2026-12-03T00:00:00Z"));
    }
    Path root = dir.resolve("pod");
    Path volume = Path.of(root + BrokerResources.FRAGMENTS_DIR);
    Path version = volume.resolve("..2026_12_03_00_00_00.000000001");
    Files.createDirectories(version);
    Files.createDirectories(Path.of(root + "/mosquitto/auth"));
    Files.writeString(version.resolve(BrokerResources.SERVICE_LINES), "");
    long compressed = 0;
    for (int i = 0; i < shards; i++) {
      byte[] data = RegistryShard.compress(RegistryShard.canonical(byShard.get(i)));
      Files.write(version.resolve(BrokerResources.shardFile(i)), data);
      compressed += data.length;
    }
    byShard.clear();
    Files.createSymbolicLink(volume.resolve("..data"), version.getFileName());
    String script = BrokerResources.ASSEMBLE.replace("/mosquitto/", root + "/mosquitto/");
    long t = System.nanoTime();
    run(List.of("/bin/sh", "-c", script));
    long took = ms(t);
    Path assembled = Path.of(root + "/mosquitto/auth/passwd");
    if (Files.size(assembled) != expectedBytes) {
      throw new IllegalStateException(
          "the pod's assembly wrote " + Files.size(assembled) + " bytes, not " + expectedBytes);
    }
    deleteTree(root);
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("registry shards (count)", (long) shards);
    out.put("registry shards, compressed (bytes)", compressed);
    out.put("assemble the file from the shards, the pod's script (ms)", took);
    return out;
  }

  /** Distinct keys and their real hashes, cycled over the devices. */
  private record Keys(String[] keys, String[] hashes) {
    static Keys make() {
      String[] keys = new String[DISTINCT_HASHES];
      String[] hashes = new String[DISTINCT_HASHES];
      for (int i = 0; i < DISTINCT_HASHES; i++) {
        keys[i] = dev.iothub.operator.broker.DeviceKeys.newKey();
        hashes[i] = PasswordHashes.hash(keys[i]);
      }
      return new Keys(keys, hashes);
    }

    String key(int device) {
      return keys[device % keys.length];
    }

    String hash(int device) {
      return hashes[device % hashes.length];
    }
  }

  private static String[] ids(int n) {
    Random random = new Random(n);
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = new UUID(random.nextLong(), random.nextLong()).toString();
    }
    return ids;
  }

  private static void writePasswords(Path file, String[] ids, Keys keys, int skip, String extra)
      throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < ids.length; i++) {
        if (i != skip) {
          out.write(ids[i]);
          out.write(':');
          out.write(keys.hash(i));
          out.write('\n');
        }
      }
      if (extra != null) {
        out.write(extra);
        out.write('\n');
      }
    }
  }

  /** {@code mosquitto_ctrl dynsec init}'s file with the fleet added, streamed. */
  private static void writeDynsec(Path json, String[] ids, Keys keys) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode init = mapper.readTree(json.toFile());
    Path tmp = json.resolveSibling("dynamic-security.json.new");
    try (JsonGenerator g =
        mapper
            .getFactory()
            .createGenerator(tmp.toFile(), com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeArrayFieldStart("clients");
      for (JsonNode client : init.get("clients")) {
        g.writeTree(client);
      }
      for (int i = 0; i < ids.length; i++) {
        // $7$<iterations>$<salt>$<hash>: the plugin keeps the same three parts.
        String[] parts = keys.hash(i).split("\\$");
        g.writeStartObject();
        g.writeStringField("username", ids[i]);
        g.writeStringField("password", parts[4]);
        g.writeStringField("salt", parts[3]);
        g.writeNumberField("iterations", Integer.parseInt(parts[2]));
        g.writeEndObject();
      }
      g.writeEndArray();
      init.fields()
          .forEachRemaining(
              e -> {
                if (!e.getKey().equals("clients")) {
                  try {
                    g.writeFieldName(e.getKey());
                    g.writeTree(e.getValue());
                  } catch (IOException x) {
                    throw new UncheckedIOException(x);
                  }
                }
              });
      g.writeEndObject();
    }
    Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Polls with fresh connections until the broker accepts (or refuses) the credentials. */
  private static void awaitAnswer(int port, String user, String password, boolean accepted)
      throws Exception {
    long deadline = System.nanoTime() + ANSWER.toNanos();
    while (true) {
      int code;
      try (Socket s = connect(port, "probe-" + PROBES.incrementAndGet(), user, password)) {
        code = connack(s);
      } catch (IOException e) {
        code = -1;
      }
      if (accepted ? code == 0 : (code == 4 || code == 5)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            user + (accepted ? " was not accepted" : " was not refused") + ", last code " + code);
      }
      Thread.sleep(5);
    }
  }

  /** A device's connection, left open (keep-alive 600 s). */
  private static Socket hold(int port, String user, String password) throws IOException {
    Socket s = connect(port, user, user, password);
    int code = connack(s);
    if (code != 0) {
      throw new IllegalStateException(user + " refused with " + code);
    }
    return s;
  }

  private static boolean answersPing(Socket s) {
    try {
      s.getOutputStream().write(new byte[] {(byte) 0xC0, 0});
      s.getOutputStream().flush();
      s.setSoTimeout(10_000);
      byte[] pong = new DataInputStream(s.getInputStream()).readNBytes(2);
      return pong.length == 2 && (pong[0] & 0xFF) == 0xD0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Opens a socket and sends an MQTT 3.1.1 CONNECT (clean session, user and password). */
  private static Socket connect(int port, String clientId, String user, String password)
      throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30_000);
    s.setSoTimeout((int) ANSWER.toMillis());
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.write(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) 0xC2, 0x02, 0x58}); // keep-alive 600
    for (String field : List.of(clientId, user, password)) {
      byte[] b = field.getBytes(StandardCharsets.UTF_8);
      body.write(b.length >> 8);
      body.write(b.length & 0xFF);
      body.write(b);
    }
    OutputStream out = s.getOutputStream();
    out.write(0x10);
    int length = body.size();
    do {
      int digit = length % 128;
      length /= 128;
      out.write(length > 0 ? digit | 0x80 : digit);
    } while (length > 0);
    body.writeTo(out);
    out.flush();
    return s;
  }

  /** The CONNACK's return code: 0 accepted, 4 bad user name or password, 5 not authorised. */
  private static int connack(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] ack = new DataInputStream(in).readNBytes(4);
    if (ack.length < 4) {
      throw new EOFException("closed before CONNACK");
    }
    if ((ack[0] & 0xFF) != 0x20) {
      throw new IOException("not a CONNACK: " + (ack[0] & 0xFF));
    }
    return ack[3] & 0xFF;
  }

  private static void hup(long pid) throws Exception {
    run(List.of("kill", "-HUP", Long.toString(pid)));
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(ANSWER.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(command.get(0) + " failed: " + output);
    }
  }

  /** A {@code kB} line of {@code /proc/PID/status}. */
  private static long status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
