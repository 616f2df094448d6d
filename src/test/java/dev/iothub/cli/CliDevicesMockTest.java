package dev.iothub.cli;

import static dev.iothub.testing.HubFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.testing.HubFixtures;
import dev.iothub.testing.OperatorHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iothub devices import|list|show} against the embedded API server with the operator. */
class CliDevicesMockTest {
  private OperatorHarness h;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    h = OperatorHarness.start();
    h.createNamespaces(NS, "iothub-westus2", "iothub-westcentralus");
    new HubFixtures(h).createReadyHub("fixtures/hub-westus2.yaml");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private CliRun.Result cli(String... args) {
    return CliRun.run(ClusterConnector.shared(h.client()), h.clock(), "", args);
  }

  @Test
  void importThenListAndShow() throws IOException {
    StringBuilder csv = new StringBuilder("# deviceId,primaryKey,enabled\n");
    for (int i = 0; i < 25_000; i++) {
      csv.append("meter-")
          .append(i)
          .append(',')
          .append(DeviceKeys.newKey())
          .append(i == 7 ? ",false" : "")
          .append('\n');
    }
    Path file = Files.writeString(dir.resolve("fleet.csv"), csv);

    CliRun.Result imported = cli("devices", "import", "contoso-hub", file.toString(), "-n", NS);
    assertThat(imported.code()).as(imported.toString()).isZero();
    assertThat(imported.out())
        .contains("25,000 devices in 3 Secret(s)")
        .contains("25000 devices imported into contoso-hub (West US 2).");
    assertThat(h.client().resources(DeviceImport.class).inNamespace(NS).list().getItems())
        .hasSize(1);

    CliRun.Result list = cli("devices", "list", "contoso-hub", "-n", NS, "--limit", "3");
    assertThat(list.code()).isZero();
    assertThat(list.out())
        .contains("meter-0 ", "25,000 devices in contoso-hub (West US 2).", "Showing the first 3");

    CliRun.Result show = cli("devices", "show", "contoso-hub", "meter-7", "-n", NS);
    assertThat(show.code()).isZero();
    assertThat(show.out())
        .contains("Registered:    yes, in West US 2", "Enabled:       false", "imported in bulk");
  }

  @Test
  void showsADeviceObjectAndItsKeySecretButNeverTheKey() {
    h.client().resource(h.load("fixtures/devices/thermostat.yaml", Device.class)).create();
    org.awaitility.Awaitility.await()
        .atMost(HubFixtures.WAIT)
        .until(
            () ->
                cli("devices", "show", "contoso-hub", "thermostat-1", "-n", NS)
                    .out()
                    .contains("Registered:    yes"));
    CliRun.Result show = cli("devices", "show", "contoso-hub", "thermostat-1", "-n", NS);
    assertThat(show.out())
        .contains("Device object: thermostat-1", "Key Secret:    thermostat-1-key");
    String key =
        new String(
            java.util.Base64.getDecoder()
                .decode(
                    h.client()
                        .secrets()
                        .inNamespace(NS)
                        .withName("thermostat-1-key")
                        .get()
                        .getData()
                        .get("primaryKey")));
    assertThat(show.out()).doesNotContain(key);
  }

  @Test
  void aBadFileIsRefusedBeforeAnythingIsCreated() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.csv"), "ok,key\nno key here\n");

    CliRun.Result result = cli("devices", "import", "contoso-hub", file.toString(), "-n", NS);

    assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("line 2: expected deviceId,primaryKey[,enabled]");
    assertThat(h.client().resources(DeviceImport.class).inNamespace(NS).list().getItems())
        .isEmpty();
    assertThat(cli("devices", "show", "contoso-hub", "nobody", "-n", NS).code())
        .isEqualTo(ExitCodes.USAGE);
  }
}
