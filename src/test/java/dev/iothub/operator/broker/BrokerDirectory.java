package dev.iothub.operator.broker;

import dev.iothub.embedded.MosquittoProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A broker's files in a temporary directory, exactly as the renderers produce them: {@code
 * mosquitto.conf}, the ACL, the joined password file, the CA and the server certificate and key.
 *
 * <p>Mosquitto started as root drops to the {@code mosquitto} user before it reads the password
 * file, so when the tests run as root the directory and its files are handed to that user (mode
 * 0700/0600, nothing world-readable); otherwise mosquitto runs as the test's own user.
 */
final class BrokerDirectory implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final UserPrincipal owner;

  private BrokerDirectory(Path dir, int port, UserPrincipal owner) {
    this.dir = dir;
    this.port = port;
    this.owner = owner;
  }

  /** Renders every file of a broker listening on a free loopback port. */
  static BrokerDirectory render(
      HubCertificates.Issued ca, HubCertificates.Issued server, String passwordFile) {
    try {
      Path dir = Files.createTempDirectory("iothub-broker-");
      BrokerDirectory files =
          new BrokerDirectory(dir, MosquittoProcess.freePort(), brokerUser(dir));
      files.own(dir);
      MosquittoConfig.Layout layout = files.layout();
      files.write(Path.of(layout.caFile()), ca.certificatePem());
      files.write(Path.of(layout.certFile()), server.certificatePem());
      files.write(Path.of(layout.keyFile()), server.privateKeyPem());
      files.write(Path.of(layout.aclFile()), AclFile.render());
      files.writePasswordFile(passwordFile);
      files.write(files.configFile(), MosquittoConfig.render(layout));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  MosquittoConfig.Layout layout() {
    return MosquittoConfig.Layout.inDirectory(dir, port);
  }

  Path configFile() {
    return dir.resolve(MosquittoConfig.FILE_NAME);
  }

  int port() {
    return port;
  }

  MosquittoProcess start() {
    return MosquittoProcess.start(configFile(), port);
  }

  /** Replaces the password file the way the broker pod's reloader does: write aside, rename. */
  void writePasswordFile(String content) {
    Path target = Path.of(layout().passwordFile());
    Path next = target.resolveSibling(target.getFileName() + ".next");
    write(next, content);
    try {
      Files.move(next, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
      own(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void own(Path path) throws IOException {
    boolean directory = Files.isDirectory(path);
    Files.setPosixFilePermissions(
        path, PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"));
    if (owner != null) {
      Files.setOwner(path, owner);
    }
  }

  // The user that a root-started mosquitto switches to, or null when the tests are not root.
  private static UserPrincipal brokerUser(Path dir) throws IOException {
    if (!"root".equals(System.getProperty("user.name"))) {
      return null;
    }
    return dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("mosquitto");
  }
}
