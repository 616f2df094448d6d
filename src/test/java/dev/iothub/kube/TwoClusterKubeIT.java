package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DnsReason;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.HubReason;
import dev.iothub.api.v1alpha1.HubState;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.OperationStep;
import dev.iothub.api.v1alpha1.RegionClusterStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.api.v1alpha1.RequestReason;
import dev.iothub.operator.broker.Pem;
import dev.iothub.operator.failover.IoTHubStatusBuilder;
import dev.iothub.operator.hub.PublicEndpoint;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.registry.DeviceKeySecrets;
import dev.iothub.operator.status.Conditions;
import dev.iothub.packaging.Helm;
import dev.iothub.packaging.Project;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One hub across two real clusters, each with its own operator (docs/design/multi-cluster.md): West
 * US in cluster west (a second control plane), East US in cluster east (the tier's). The same
 * IoTHub is applied to both. West serves and east stands by with a pulled copy of the registry; a
 * planned failover and failback hand the hub over with every device; refused credentials promote
 * nothing; west serves on while east does not answer; when west's API server stops answering, a
 * FailoverRequest in east promotes the copy with every device; when west answers again it sees
 * east's higher epoch and stands down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoClusterKubeIT {
  static final String RELEASE = "xc";
  static final String SYSTEM = "xc-system";
  static final String NS = "xc";
  static final String WEST_NS = "xc-westus";
  static final String EAST_NS = "xc-eastus";
  static final String HUB = "contoso";
  static final int DEVICES = 30;

  /** Of the DEVICES, those whose key the operator generates (the others name their Secret). */
  static final int GENERATED = 3;

  static final Duration WAIT = Duration.ofSeconds(60);
  static final String HOST = "mqtt.contoso.example";
  static final String WEST_LB = "192.0.2.10";
  static final String EAST_LB = "192.0.2.20";
  static final String DNS_CRD =
      "src/test/resources/externaldns/dnsendpoints.externaldns.k8s.io.yaml";

  /** East's steps end after 20 s: a failover that waits for a handover fails in the test's time. */
  static final String EAST_STEP_DEADLINE = "PT20S";

  /** Checks of the other cluster every 2 s. */
  static final Map<String, String> FAST_PEER_CHECKS =
      Map.of("IOTHUB_PEER_PROBE_INTERVAL", "PT2S", "IOTHUB_PEER_TIMEOUT", "PT2S");

  static RealCluster west;
  static RealCluster east;
  static final List<AutoCloseable> running = new ArrayList<>();
  static OperatorProcess westOperator;
  static OperatorProcess eastOperator;
  static String eastKubeconfig;

  @BeforeAll
  static void install() {
    east = RealCluster.get();
    west = RealCluster.peer("west");
    installChart(east, EAST_NS, "westus", "west-kubeconfig", EAST_STEP_DEADLINE);
    installChart(west, WEST_NS, "eastus", "east-kubeconfig", "PT5M");
    // ExternalDNS's CRD in east; west gets it only after it reported it missing.
    east.kubectl("apply", "--server-side", "-f", DNS_CRD);
    eastKubeconfig = peerKubeconfig(east, "east");
    putKubeconfig(west, "east-kubeconfig", eastKubeconfig);
    putKubeconfig(east, "west-kubeconfig", peerKubeconfig(west, "west"));
    // A namespace of the other region's name in each cluster: nothing of the hub goes there.
    east.createNamespaces(NS, WEST_NS);
    west.createNamespaces(NS, EAST_NS);
    westOperator =
        InstalledOperator.of(west, SYSTEM, "xc-iothub-operator").start("xc-west", FAST_PEER_CHECKS);
    running.add(westOperator);
    eastOperator =
        InstalledOperator.of(east, SYSTEM, "xc-iothub-operator").start("xc-east", FAST_PEER_CHECKS);
    running.add(eastOperator);
    running.add(west.playKubelet());
    running.add(east.playKubelet());
  }

  @AfterAll
  static void uninstall() throws Exception {
    if (west != null) {
      west.thawApiServer();
    }
    if (east != null) {
      east.deleteHubs(NS);
      east.deleteNamespaces(WAIT, NS, WEST_NS, EAST_NS);
    }
    RealCluster.closeAll(running.toArray(AutoCloseable[]::new));
    if (east != null) {
      east.helm("uninstall", RELEASE, "--namespace", SYSTEM);
      east.deleteNamespaces(WAIT, SYSTEM);
    }
    if (east != null) {
      east.kubectlResult("delete", "-f", DNS_CRD, "--ignore-not-found");
    }
    if (west != null) {
      west.stop();
    }
  }

  @Test
  @Order(1)
  void oneClusterServesTheOtherStandsByAndEachReportsTheOther() {
    String hub =
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: " + HUB + ", namespace: " + NS + "}",
            "spec: {location: westus, endpoint: {hostName: " + HOST + "}}");
    west.apply(hub);
    east.apply(hub);

    IoTHub serving = awaitHub(west, h -> ready(h) && reachable(h, "eastus"));
    assertThat(serving.getStatus().getState()).isEqualTo(HubState.Active);
    assertThat(serving.getStatus().getCurrentLocation().getId()).isEqualTo("westus");
    RegionClusterStatus eastEntry = cluster(serving, "eastus");
    assertThat(eastEntry.getCluster()).isEqualTo("east");
    assertThat(eastEntry.getServer()).isEqualTo(east.admin().getMasterUrl().getAuthority());
    assertThat(eastEntry.getKubeconfigSecret()).isEqualTo(SYSTEM + "/east-kubeconfig");

    IoTHub standby =
        awaitHub(east, h -> h.getStatus().getState() == HubState.Standby && reachable(h, "westus"));
    assertThat(ready(standby)).isFalse();
    assertThat(readyReason(standby)).isEqualTo(HubReason.RunsInAnotherCluster.name());
    assertThat(standby.getStatus().getMessage()).contains("stands by").contains("West US");
    assertThat(cluster(standby, "westus").getCluster()).isEqualTo("west");

    // Each cluster runs the brokers of its own region only: serving in west, 0 in east.
    assertThat(brokerReplicas(west, WEST_NS)).isEqualTo(1);
    await().atMost(WAIT).until(() -> brokerReplicas(east, EAST_NS) == 0);
    assertThat(west.admin().apps().deployments().inNamespace(EAST_NS).list().getItems()).isEmpty();
    assertThat(east.admin().apps().deployments().inNamespace(WEST_NS).list().getItems()).isEmpty();

    // The public host name. A load balancer controller gives each cluster's brokers an address.
    assignLoadBalancer(west, WEST_NS, WEST_LB);
    assignLoadBalancer(east, EAST_NS, EAST_LB);
    Condition missing = awaitDns(west, DnsReason.DnsEndpointCrdMissing);
    assertThat(missing.getStatus()).isEqualTo("False");
    assertThat(missing.getMessage())
        .contains("install ExternalDNS")
        .contains("point " + HOST + " at " + WEST_LB + " (A, TTL 30 s) yourself");
    assertThat(ready(hub(west))).isTrue();
    Condition other = awaitDns(east, DnsReason.PublishedByAnotherCluster);
    assertThat(other.getStatus()).isEqualTo("True");
    assertThat(other.getMessage()).contains("West US");
    assertThat(dnsTargets(east)).isNull();
    // Once the CRD is there, west publishes; when ExternalDNS takes it in, the name is published.
    west.kubectl("apply", "--server-side", "-f", DNS_CRD);
    assertThat(awaitDns(west, DnsReason.AwaitingExternalDns).getMessage())
        .contains(HOST + " points at " + WEST_LB + " (A, TTL 30 s)");
    assertThat(dnsTargets(west)).containsExactly(WEST_LB);
    playExternalDns(west);
    assertThat(awaitDns(west, DnsReason.Published).getMessage())
        .endsWith("ExternalDNS took it in.");
  }

  @Test
  @Order(2)
  void theStandbyPullsEveryDeviceOfTheServingCluster() {
    List<String> yaml = new ArrayList<>();
    for (int i : IntStream.range(0, DEVICES - GENERATED).toArray()) {
      west.admin()
          .secrets()
          .inNamespace(NS)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("sensor-" + i + "-key")
                  .endMetadata()
                  .addToStringData(DeviceKeySecrets.KEY, "key-of-sensor-" + i + "-0123456789abcdef")
                  .build())
          .createOr(x -> x.update());
      yaml.add(
          String.join(
              "\n",
              "apiVersion: iothub.dev/v1alpha1",
              "kind: Device",
              "metadata: {name: sensor-" + i + ", namespace: " + NS + "}",
              "spec: {hubName: " + HUB + ", keySecretName: sensor-" + i + "-key}"));
    }
    west.apply(String.join("\n---\n", yaml));
    // Devices with generated keys, applied to both clusters as GitOps would: the standby generates
    // nothing while it stands by.
    String generated = String.join("\n---\n", generatedKeyDevices());
    west.apply(generated);
    east.apply(generated);
    await()
        .atMost(WAIT)
        .until(
            () ->
                west.admin().resources(Device.class).inNamespace(NS).list().getItems().stream()
                        .filter(
                            d ->
                                d.getStatus() != null
                                    && Boolean.TRUE.equals(d.getStatus().getRegistered()))
                        .count()
                    == DEVICES);
    IoTHub serving =
        awaitHub(west, h -> registry(h) != null && Long.valueOf(DEVICES).equals(devices(h)));
    String checksum = serving.getStatus().getRegistry().getChecksum();

    IoTHub standby =
        awaitHub(
            east,
            h ->
                registry(h) != null
                    && checksum.equals(registry(h).getChecksum())
                    && registry(h).getStandbySyncedAt() != null
                    && registry(h).getStandbyError() == null);
    assertThat(devices(standby)).isEqualTo(DEVICES);
    // The copy is in east's own namespace, made for east's hub (its uid, not west's).
    List<io.fabric8.kubernetes.api.model.Secret> shards =
        east.admin()
            .secrets()
            .inNamespace(EAST_NS)
            .withLabel(HubNames.COMPONENT, "registry")
            .list()
            .getItems();
    assertThat(shards).isNotEmpty();
    assertThat(shards)
        .allSatisfy(
            s ->
                assertThat(s.getMetadata().getLabels().get(HubNames.HUB_UID))
                    .isEqualTo(standby.getMetadata().getUid()));
    // The standby made no key of its own for the generated-key Devices.
    assertThat(east.admin().secrets().inNamespace(NS).withName("auto-0-key").get()).isNull();
    // East takes west's hub CA too: devices that verify the brokers trust both with one CA.
    await().atMost(WAIT).until(() -> hubCa(east).equals(hubCa(west)));
  }

  @Test
  @Order(3)
  void aPlannedFailoverAndFailbackAcrossClustersKeepEveryDevice() throws Exception {
    // Asked in the serving cluster: refused, saying where to ask.
    FailoverRequest there = request(west, "from-west");
    assertThat(there.getStatus().getReason())
        .isEqualTo(RequestReason.TargetInAnotherCluster.name());
    assertThat(there.getStatus().getMessage()).contains("cluster east");
    String checksum = hub(west).getStatus().getRegistry().getChecksum();

    // Failover, asked in east while west answers: west fences and hands over, east copies and
    // verifies, then serves at epoch 1; west stands down.
    FailoverRequest over = request(east, "to-east");
    assertThat(over.getStatus().getPhase())
        .as(over.getStatus().getMessage())
        .isEqualTo(RequestPhase.Succeeded);
    IoTHub serving = awaitHub(east, TwoClusterKubeIT::ready);
    assertThat(serving.getStatus().getCurrentLocation().getId()).isEqualTo("eastus");
    assertThat(serving.getStatus().getEpoch()).isEqualTo(1L);
    assertThat(devices(serving)).isEqualTo(DEVICES);
    assertThat(registry(serving).getChecksum()).isEqualTo(checksum);
    assertThat(brokerReplicas(east, EAST_NS)).isEqualTo(1);
    // Generated keys: east had none of its own; it copied west's, so those devices keep theirs (a
    // new key would have replaced their records and locked them out).
    for (int i : IntStream.range(0, GENERATED).toArray()) {
      String name = "auto-" + i + "-key";
      String westKey =
          DeviceKeySecrets.keyIn(west.admin().secrets().inNamespace(NS).withName(name).get());
      assertThat(westKey).isNotNull();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  DeviceKeySecrets.keyIn(
                      east.admin().secrets().inNamespace(NS).withName(name).get()),
              westKey::equals);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  east.admin().resources(Device.class).inNamespace(NS).withName("auto-" + i).get(),
              d -> d.getStatus() != null && Boolean.TRUE.equals(d.getStatus().getRegistered()));
    }
    // East's brokers present a certificate of the CA the devices knew from west.
    assertThat(signedByHubCa(east, EAST_NS, west)).isTrue();
    IoTHub handedOver =
        awaitHub(
            west,
            h ->
                h.getStatus().getState() == HubState.Standby
                    && Long.valueOf(1).equals(h.getStatus().getEpoch())
                    && h.getStatus().getHandover() == null);
    assertThat(handedOver.getStatus().getCurrentLocation().getId()).isEqualTo("eastus");
    await().atMost(WAIT).until(() -> brokerReplicas(west, WEST_NS) == 0);
    assertThat(west.kubectl("get", "events", "-n", NS, "-o", "json"))
        .contains("HandingOver")
        .contains("must hold these " + DEVICES + " devices")
        .contains("StoodDown");
    // The name moved: east publishes its load balancer, west withdrew its record.
    awaitDnsTargets(east, List.of(EAST_LB));
    awaitDnsTargets(west, null);

    // Failback, asked in west: the same handover the other way, epoch 2.
    FailoverRequest back = request(west, "back-to-west");
    assertThat(back.getStatus().getPhase())
        .as(back.getStatus().getMessage())
        .isEqualTo(RequestPhase.Succeeded);
    IoTHub home = awaitHub(west, TwoClusterKubeIT::ready);
    assertThat(home.getStatus().getCurrentLocation().getId()).isEqualTo("westus");
    assertThat(home.getStatus().getEpoch()).isEqualTo(2L);
    assertThat(devices(home)).isEqualTo(DEVICES);
    assertThat(registry(home).getChecksum()).isEqualTo(checksum);
    awaitHub(
        east,
        h ->
            h.getStatus().getState() == HubState.Standby
                && Long.valueOf(2).equals(h.getStatus().getEpoch())
                && registry(h) != null
                && registry(h).getStandbyError() == null);
    await().atMost(WAIT).until(() -> brokerReplicas(east, EAST_NS) == 0);
    awaitDnsTargets(west, List.of(WEST_LB));
    awaitDnsTargets(east, null);
  }

  @Test
  @Order(4)
  void refusedCredentialsAreReportedAndPromoteNothing() {
    // 401: a token west's API server does not know.
    String westKubeconfig = secretText(east, "west-kubeconfig");
    String badToken = "xc-not-a-token-" + Long.toHexString(System.nanoTime());
    putKubeconfig(east, "west-kubeconfig", withToken(westKubeconfig, badToken));
    IoTHub refused = awaitCluster(east, "westus", "PeerCredentialsRefused");
    assertThat(peerCondition(refused).getMessage())
        .contains("401")
        .contains(SYSTEM + "/west-kubeconfig")
        .contains("Renew");
    FailoverRequest r = request(east, "on-a-refusal");
    assertThat(r.getStatus().getReason()).isEqualTo(RequestReason.TargetInAnotherCluster.name());
    assertThat(r.getStatus().getMessage()).contains("refused").contains("nothing is promoted");

    // 403: a real identity of west without the peer-reader Role.
    west.admin()
        .serviceAccounts()
        .inNamespace("default")
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("nobody").endMetadata().build())
        .createOr(x -> x.update());
    String nobody =
        west.admin()
            .serviceAccounts()
            .inNamespace("default")
            .withName("nobody")
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    putKubeconfig(east, "west-kubeconfig", withToken(westKubeconfig, nobody));
    IoTHub denied = awaitHub(east, h -> peerMessage(h).contains("403"));
    assertThat(cluster(denied, "westus").getReason()).isEqualTo("PeerCredentialsRefused");
    assertThat(peerMessage(denied)).contains(WEST_NS).contains("peer-reader");

    // No credential reaches a status, an Event or a log.
    String status = east.kubectl("get", "iothub", HUB, "-n", NS, "-o", "yaml");
    String events = east.kubectl("get", "events", "-n", NS, "-o", "json");
    for (String secret : List.of(tokenOf(westKubeconfig), badToken, nobody)) {
      assertThat(status).doesNotContain(secret);
      assertThat(events).doesNotContain(secret);
      assertThat(eastOperator.log()).doesNotContain(secret);
      assertThat(westOperator.log()).doesNotContain(secret);
    }
    putKubeconfig(east, "west-kubeconfig", westKubeconfig);
    awaitCluster(east, "westus", "Reachable");
    assertThat(hub(east).getStatus().getState()).isEqualTo(HubState.Standby);
  }

  @Test
  @Order(5)
  void whenTheStandbyClusterStopsAnsweringTheServingOneServesOn() {
    east.freezeApiServer();
    IoTHub alone;
    try {
      alone = awaitCluster(west, "eastus", "PeerUnreachable");
    } finally {
      east.thawApiServer();
    }
    assertThat(alone.getStatus().getState()).isEqualTo(HubState.Active);
    assertThat(ready(alone)).isTrue();
    assertThat(cluster(alone, "eastus").getReachable()).isFalse();
    // East is back: its operator (restarted if it lost its Lease meanwhile) stands by again.
    await()
        .atMost(WAIT)
        .until(
            () -> {
              restartIfStopped(east);
              return hub(east);
            },
            h ->
                h.getStatus().getState() == HubState.Standby
                    && h.getStatus().getRegistry().getStandbyError() == null);
    awaitCluster(west, "eastus", "Reachable");
  }

  @Test
  @Order(6)
  void whenTheServingOperatorIsDownAFailoverWaitsThenFailsWithoutPromoting() {
    String checksum = hub(west).getStatus().getRegistry().getChecksum();
    westOperator.kill();
    // West's API server answers, so the failover is planned, and waits for a handover that its
    // stopped operator never makes.
    FailoverRequest waited = request(east, "operator-is-down");
    assertThat(waited.getStatus().getPhase()).isEqualTo(RequestPhase.Failed);
    assertThat(waited.getStatus().getReason()).isEqualTo(RequestReason.SourceDidNotHandOver.name());
    assertThat(waited.getStatus().getMessage())
        .isEqualTo(
            "The cluster of West US answers, but did not hand the hub over within 20 s: its"
                + " operator is down or behind (look at it there). Nothing was promoted. The hub"
                + " keeps running in West US.");
    IoTHub standby =
        awaitHub(
            east,
            h ->
                h.getStatus().getState() == HubState.Standby
                    && h.getStatus().getOperation() == null);
    assertThat(standby.getStatus().getEpoch()).isEqualTo(2L);
    assertThat(brokerReplicas(east, EAST_NS)).isZero();
    assertThat(dnsTargets(east)).isNull();
    // The copy kept up: it is read from west's API server, not from west's operator.
    assertThat(registry(standby).getChecksum()).isEqualTo(checksum);
    assertThat(registry(standby).getStandbyError()).isNull();
    // West's brokers served all along; its operator, back, serves on.
    assertThat(brokerReplicas(west, WEST_NS)).isEqualTo(1);
    restartIfStopped(west);
    awaitHub(west, h -> ready(h) && h.getStatus().getState() == HubState.Active);
  }

  @Test
  @Order(7)
  void whenTheServingClusterIsLostDuringAHandoverTheFailoverPromotesTheCopy() {
    // West's operator is down, so east's failover waits for its handover; then west's API server
    // stops answering as well.
    westOperator.kill();
    create(east, "west-is-gone");
    await()
        .atMost(WAIT)
        .until(
            () ->
                east.admin()
                    .resources(FailoverRequest.class)
                    .inNamespace(NS)
                    .withName("west-is-gone")
                    .get(),
            r ->
                r != null
                    && r.getStatus() != null
                    && r.getStatus().getStep() == OperationStep.MigratingRegistry);
    west.freezeApiServer();
    IoTHub lost = awaitCluster(east, "westus", "PeerUnreachable");
    assertThat(peerMessage(lost)).contains("does not answer");

    await().atMost(WAIT).until(() -> phase(east, "west-is-gone") == RequestPhase.Succeeded);
    FailoverRequest r =
        east.admin()
            .resources(FailoverRequest.class)
            .inNamespace(NS)
            .withName("west-is-gone")
            .get();
    assertThat(r.getStatus().getMessage())
        .contains("West US was unreachable")
        .contains("serves " + DEVICES + " devices from the standby copy");

    IoTHub promoted = awaitHub(east, TwoClusterKubeIT::ready);
    assertThat(promoted.getStatus().getState()).isEqualTo(HubState.Active);
    assertThat(promoted.getStatus().getCurrentLocation().getId()).isEqualTo("eastus");
    assertThat(promoted.getStatus().getEpoch()).isEqualTo(3L);
    assertThat(devices(promoted)).isEqualTo(DEVICES);
    assertThat(brokerReplicas(east, EAST_NS)).isEqualTo(1);
    String events = east.kubectl("get", "events", "-n", NS, "-o", "json");
    assertThat(events).contains("Manual failover is complete. contoso is running in East US.");
    awaitDnsTargets(east, List.of(EAST_LB));
  }

  @Test
  @Order(8)
  void theLostClusterComesBackAndStandsDown() {
    west.thawApiServer();
    IoTHub back =
        await()
            .atMost(WAIT)
            .until(
                () -> {
                  restartIfStopped(west);
                  return hub(west);
                },
                h ->
                    h.getStatus().getState() == HubState.Standby
                        && Long.valueOf(3).equals(h.getStatus().getEpoch()));
    assertThat(back.getStatus().getCurrentLocation().getId()).isEqualTo("eastus");
    await().atMost(WAIT).until(() -> brokerReplicas(west, WEST_NS) == 0);
    String stoodDown = west.kubectl("get", "events", "-n", NS, "-o", "json");
    assertThat(stoodDown)
        .contains("StoodDown")
        .contains("at epoch 3, higher than this cluster's 2");
    // Standing down withdraws west's record: only east's remains.
    awaitDnsTargets(west, null);

    // West now copies from east, and east reports west reachable again.
    String checksum = hub(east).getStatus().getRegistry().getChecksum();
    awaitHub(west, h -> registry(h) != null && checksum.equals(registry(h).getChecksum()));
    awaitCluster(east, "westus", "Reachable");
    assertThat(hub(east).getStatus().getCurrentLocation().getId()).isEqualTo("eastus");
    assertThat(ready(hub(east))).isTrue();
  }

  @Test
  @Order(9)
  void aPartitionWithAFailoverServesOnBothSidesUntilItHealsThenTheLowerEpochStandsDown() {
    // Each cluster alive, neither reaching the other: their kubeconfigs name a port that refuses.
    String toWest = secretText(east, "west-kubeconfig");
    String toEast = secretText(west, "east-kubeconfig");
    putKubeconfig(
        east,
        "west-kubeconfig",
        toWest.replaceAll("server: \"[^\"]+\"", "server: \"https://127.0.0.1:1\""));
    putKubeconfig(
        west,
        "east-kubeconfig",
        toEast.replaceAll("server: \"[^\"]+\"", "server: \"https://127.0.0.1:1\""));
    awaitCluster(east, "westus", "PeerUnreachable");
    awaitCluster(west, "eastus", "PeerUnreachable");

    // The user fails over to west anyway: west promotes its copy at epoch 4; east serves on.
    FailoverRequest anyway = request(west, "during-a-partition");
    assertThat(anyway.getStatus().getPhase())
        .as(anyway.getStatus().getMessage())
        .isEqualTo(RequestPhase.Succeeded);
    assertThat(anyway.getStatus().getMessage()).contains("East US was unreachable");
    IoTHub westSide = awaitHub(west, TwoClusterKubeIT::ready);
    assertThat(westSide.getStatus().getEpoch()).isEqualTo(4L);
    IoTHub eastSide = hub(east);
    assertThat(eastSide.getStatus().getState()).isEqualTo(HubState.Active);
    assertThat(eastSide.getStatus().getEpoch()).isEqualTo(3L);
    assertThat(brokerReplicas(west, WEST_NS)).isEqualTo(1);
    assertThat(brokerReplicas(east, EAST_NS)).isEqualTo(1);
    // Both publish: which one the name resolves to is up to the last ExternalDNS upsert.
    awaitDnsTargets(west, List.of(WEST_LB));
    assertThat(dnsTargets(east)).containsExactly(EAST_LB);

    // Healed: east sees west's higher epoch and stands down; west serves on.
    putKubeconfig(east, "west-kubeconfig", toWest);
    putKubeconfig(west, "east-kubeconfig", toEast);
    IoTHub stoodDown =
        awaitHub(
            east,
            h ->
                h.getStatus().getState() == HubState.Standby
                    && Long.valueOf(4).equals(h.getStatus().getEpoch()));
    assertThat(stoodDown.getStatus().getCurrentLocation().getId()).isEqualTo("westus");
    await().atMost(WAIT).until(() -> brokerReplicas(east, EAST_NS) == 0);
    awaitDnsTargets(east, null);
    assertThat(east.kubectl("get", "events", "-n", NS, "-o", "json"))
        .contains("at epoch 4, higher than this cluster's 3");
    IoTHub serving = awaitHub(west, h -> reachable(h, "eastus"));
    assertThat(ready(serving)).isTrue();
    assertThat(serving.getStatus().getEpoch()).isEqualTo(4L);
    assertThat(dnsTargets(west)).containsExactly(WEST_LB);
  }

  @Test
  @Order(10)
  void withoutItsHostNameTheRecordGoesAndTheBrokersAreInternalAgain() {
    // The manifest without spec.endpoint, applied to both clusters as GitOps would.
    String hub =
        String.join(
            "\n",
            "apiVersion: iothub.dev/v1alpha1",
            "kind: IoTHub",
            "metadata: {name: " + HUB + ", namespace: " + NS + "}",
            "spec: {location: westus}");
    west.apply(hub);
    east.apply(hub);
    awaitHub(west, h -> dns(h) == null);
    awaitDnsTargets(west, null);
    awaitHub(east, h -> dns(h) == null);
    // The real API server takes the switch from LoadBalancer back to ClusterIP (its node ports go).
    for (RealCluster cluster : List.of(west, east)) {
      String ns = cluster == west ? WEST_NS : EAST_NS;
      await()
          .atMost(WAIT)
          .until(
              () ->
                  cluster.admin().services().inNamespace(ns).list().getItems().stream()
                      .allMatch(x -> "ClusterIP".equals(x.getSpec().getType())));
    }
    assertThat(ready(hub(west))).isTrue();
    assertThat(hub(east).getStatus().getState()).isEqualTo(HubState.Standby);
  }

  /**
   * An operator that lost its Lease while its API server did not answer shuts down, as a pod does
   * (JOSDK stops a leader that cannot renew); plays the kubelet that starts it again.
   */
  private static void restartIfStopped(RealCluster cluster) {
    boolean westSide = cluster == west;
    OperatorProcess p = westSide ? westOperator : eastOperator;
    if (p.alive() && !p.log().contains("iothub-operator stopped")) {
      return;
    }
    p.kill();
    String name = (westSide ? "xc-west-" : "xc-east-") + (running.size() + 1);
    OperatorProcess again =
        InstalledOperator.of(cluster, SYSTEM, "xc-iothub-operator").start(name, FAST_PEER_CHECKS);
    running.add(again);
    if (westSide) {
      westOperator = again;
    } else {
      eastOperator = again;
    }
  }

  private static void installChart(
      RealCluster cluster,
      String regionNamespace,
      String otherRegion,
      String otherSecret,
      String stepDeadline) {
    cluster.installCrds();
    Helm.Result r =
        cluster.helm(
            "install",
            RELEASE,
            "helm/iothub-operator",
            "--namespace",
            SYSTEM,
            "--create-namespace",
            "--set",
            "hubNamespaces={" + NS + "}",
            "--set",
            "regions.namespaceTemplate=xc-{region}",
            "--set",
            "regions.namespaces={" + regionNamespace + "}",
            "--set",
            "regions.overrides." + otherRegion + ".cluster.kubeconfigSecret=" + otherSecret,
            "--set",
            "peerReader.enabled=true",
            // No hour between a failover and the next operation.
            "--set",
            "failover.minInterval=PT1S",
            "--set",
            "failover.stepDeadline=" + stepDeadline);
    assertThat(r.ok()).as(r.describe()).isTrue();
  }

  /** What a user runs against the cluster to be read: scripts/peer-kubeconfig.sh. */
  private static String peerKubeconfig(RealCluster cluster, String name) {
    Helm.Result r =
        Helm.exec(
            List.of(
                "scripts/peer-kubeconfig.sh",
                "--namespace",
                SYSTEM,
                "--secret",
                "xc-iothub-operator-peer-reader-token",
                "--name",
                name),
            Project.DIR,
            Map.of("KUBECONFIG", cluster.kubeconfig().toString(), "KUBECTL", RealCluster.KUBECTL));
    assertThat(r.ok()).as(r.describe()).isTrue();
    assertThat(r.stdout()).contains("name: " + name).contains("token: ");
    return r.stdout();
  }

  private static void putKubeconfig(RealCluster cluster, String name, String kubeconfig) {
    cluster
        .admin()
        .secrets()
        .inNamespace(SYSTEM)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToStringData("kubeconfig", kubeconfig)
                .build())
        .createOr(x -> x.update());
  }

  private static String secretText(RealCluster cluster, String name) {
    return new String(
        java.util.Base64.getDecoder()
            .decode(
                cluster
                    .admin()
                    .secrets()
                    .inNamespace(SYSTEM)
                    .withName(name)
                    .get()
                    .getData()
                    .get("kubeconfig")),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String tokenOf(String kubeconfig) {
    return kubeconfig
        .lines()
        .filter(l -> l.contains("user: {token: "))
        .map(l -> l.substring(l.indexOf("token: ") + 7, l.lastIndexOf('}')))
        .findFirst()
        .orElseThrow();
  }

  private static String withToken(String kubeconfig, String token) {
    return kubeconfig.replace(tokenOf(kubeconfig), token);
  }

  /** Creates the request and waits for its final phase. */
  private static FailoverRequest request(RealCluster cluster, String name) {
    create(cluster, name);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              RequestPhase p = phase(cluster, name);
              return p != null && p != RequestPhase.Pending && p != RequestPhase.Running;
            });
    return cluster.admin().resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
  }

  private static void create(RealCluster cluster, String name) {
    cluster.requestFailover(NS, name, HUB);
  }

  private static RequestPhase phase(RealCluster cluster, String name) {
    FailoverRequest r =
        cluster.admin().resources(FailoverRequest.class).inNamespace(NS).withName(name).get();
    return r == null || r.getStatus() == null ? null : r.getStatus().getPhase();
  }

  private static int brokerReplicas(RealCluster cluster, String namespace) {
    Deployment d =
        cluster.admin().apps().deployments().inNamespace(namespace).list().getItems().stream()
            .findFirst()
            .orElse(null);
    return d == null ? -1 : d.getSpec().getReplicas();
  }

  private static IoTHub hub(RealCluster cluster) {
    return cluster.admin().resources(IoTHub.class).inNamespace(NS).withName(HUB).get();
  }

  private static IoTHub awaitHub(RealCluster cluster, Predicate<IoTHub> condition) {
    return await()
        .atMost(WAIT)
        .until(() -> hub(cluster), h -> h != null && h.getStatus() != null && condition.test(h));
  }

  private static IoTHub awaitCluster(RealCluster cluster, String region, String reason) {
    return awaitHub(
        cluster, h -> cluster(h, region) != null && reason.equals(cluster(h, region).getReason()));
  }

  private static boolean ready(IoTHub h) {
    return Conditions.isTrue(h.getStatus().getConditions(), IoTHubStatusBuilder.READY);
  }

  private static String readyReason(IoTHub h) {
    return Conditions.find(h.getStatus().getConditions(), IoTHubStatusBuilder.READY)
        .map(Condition::getReason)
        .orElse(null);
  }

  private static boolean reachable(IoTHub h, String region) {
    return cluster(h, region) != null && Boolean.TRUE.equals(cluster(h, region).getReachable());
  }

  private static RegionClusterStatus cluster(IoTHub hub, String region) {
    return hub.getStatus().getRegionClusters().stream()
        .filter(r -> region.equals(r.getRegion()))
        .findFirst()
        .orElse(null);
  }

  private static Condition peerCondition(IoTHub hub) {
    return Conditions.find(hub.getStatus().getConditions(), IoTHubStatusBuilder.PEER_REACHABLE)
        .orElse(null);
  }

  private static String peerMessage(IoTHub hub) {
    Condition c = peerCondition(hub);
    return c == null || c.getMessage() == null ? "" : c.getMessage();
  }

  /** Plays a load balancer controller: the region's broker Service gets that address. */
  private static void assignLoadBalancer(RealCluster cluster, String namespace, String ip) {
    Service service =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    cluster.admin().services().inNamespace(namespace).list().getItems().stream()
                        .filter(s -> "LoadBalancer".equals(s.getSpec().getType()))
                        .findFirst()
                        .orElse(null),
                java.util.Objects::nonNull);
    service.setStatus(
        new ServiceStatusBuilder()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp(ip)
            .endIngress()
            .endLoadBalancer()
            .build());
    cluster.admin().services().inNamespace(namespace).resource(service).updateStatus();
  }

  private static io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> dnsEndpoint(
      RealCluster cluster) {
    return cluster
        .admin()
        .genericKubernetesResources(PublicEndpoint.DNS_ENDPOINT)
        .inNamespace(NS)
        .withName(HUB);
  }

  /** The targets of the hub's DNSEndpoint in that cluster, or null when it has none. */
  @SuppressWarnings("unchecked")
  private static List<String> dnsTargets(RealCluster cluster) {
    GenericKubernetesResource d = dnsEndpoint(cluster).get();
    if (d == null) {
      return null;
    }
    Map<String, Object> spec = (Map<String, Object>) d.getAdditionalProperties().get("spec");
    List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
    assertThat(endpoints).allSatisfy(e -> assertThat(e).containsEntry("dnsName", HOST));
    return endpoints.stream().flatMap(e -> ((List<String>) e.get("targets")).stream()).toList();
  }

  private static void awaitDnsTargets(RealCluster cluster, List<String> targets) {
    await().atMost(WAIT).until(() -> java.util.Objects.equals(dnsTargets(cluster), targets));
  }

  /** Plays ExternalDNS: it reports the generation of the DNSEndpoint it took in. */
  private static void playExternalDns(RealCluster cluster) {
    GenericKubernetesResource d = dnsEndpoint(cluster).get();
    d.setAdditionalProperty(
        "status", Map.of("observedGeneration", d.getMetadata().getGeneration()));
    cluster
        .admin()
        .genericKubernetesResources(PublicEndpoint.DNS_ENDPOINT)
        .inNamespace(NS)
        .resource(d)
        .updateStatus();
  }

  private static Condition dns(IoTHub hub) {
    return Conditions.find(hub.getStatus().getConditions(), PublicEndpoint.CONDITION).orElse(null);
  }

  private static Condition awaitDns(RealCluster cluster, DnsReason reason) {
    return dns(awaitHub(cluster, h -> dns(h) != null && reason.name().equals(dns(h).getReason())));
  }

  private static List<String> generatedKeyDevices() {
    return IntStream.range(0, GENERATED)
        .mapToObj(
            i ->
                String.join(
                    "\n",
                    "apiVersion: iothub.dev/v1alpha1",
                    "kind: Device",
                    "metadata: {name: auto-" + i + ", namespace: " + NS + "}",
                    "spec: {hubName: " + HUB + "}"))
        .toList();
  }

  /** The hub's CA (certificate and key) as that cluster keeps it in the hub namespace. */
  private static Map<String, String> hubCa(RealCluster cluster) {
    io.fabric8.kubernetes.api.model.Secret ca =
        cluster.admin().secrets().inNamespace(NS).withName(HUB + "-ca").get();
    return ca == null ? Map.of() : ca.getData();
  }

  /** Whether the brokers' certificate in that region namespace is signed by the other's hub CA. */
  private static boolean signedByHubCa(RealCluster cluster, String namespace, RealCluster caSide)
      throws Exception {
    io.fabric8.kubernetes.api.model.Secret tls =
        cluster.admin().secrets().inNamespace(namespace).list().getItems().stream()
            .filter(x -> "kubernetes.io/tls".equals(x.getType()))
            .findFirst()
            .orElseThrow();
    java.security.cert.X509Certificate server =
        Pem.certificate(decoded(tls.getData().get("tls.crt")));
    java.security.cert.X509Certificate ca = Pem.certificate(decoded(hubCa(caSide).get("ca.crt")));
    try {
      server.verify(ca.getPublicKey());
      return true;
    } catch (java.security.SignatureException e) {
      return false;
    }
  }

  private static String decoded(String base64) {
    return new String(
        java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static dev.iothub.api.v1alpha1.RegistryStatus registry(IoTHub h) {
    return h.getStatus().getRegistry();
  }

  private static Long devices(IoTHub h) {
    return registry(h) == null ? null : registry(h).getDevices();
  }
}
