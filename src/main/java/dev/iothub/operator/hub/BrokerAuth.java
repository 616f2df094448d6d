package dev.iothub.operator.hub;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.broker.AclFile;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.operator.broker.HubCertificates;
import dev.iothub.operator.broker.MosquittoConfig;
import dev.iothub.operator.broker.PasswordFile;
import dev.iothub.operator.broker.PasswordHashes;
import dev.iothub.operator.broker.ServiceUser;
import dev.iothub.operator.objects.HubNames;
import dev.iothub.operator.objects.ObjectReads;
import dev.iothub.operator.objects.ObjectWriter;
import dev.iothub.operator.objects.Owners;
import dev.iothub.operator.objects.Ownership;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.registry.RegistryShard;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a broker needs to let devices in, and nothing else: in the hub namespace the hub's CA, its
 * server certificate and the service credentials (generated once, the only place keys live); in
 * each region namespace the server certificate and the service users' password lines. The devices'
 * lines come from the registry shards themselves, which the broker pod mounts and reads (see
 * PasswordFile): each device's record is stored once per region.
 */
public final class BrokerAuth {
  public static final String COMPONENT = "broker-auth";
  static final String SOURCE_CHECKSUM = "iothub.dev/source-checksum";
  static final String BACKEND_KEY = "backendKey";
  public static final String PROBE_KEY = "probeKey";
  static final String BACKEND_CONNECTION_STRING = "backendConnectionString";

  private final KubernetesClient client;
  private final StableEndpoint endpoint;
  private final ObjectWriter writer;
  private final HubMemory memory;

  public BrokerAuth(KubernetesClient client, StableEndpoint endpoint) {
    this(client, endpoint, ObjectReads.direct(client), null);
  }

  /**
   * With {@code reads} for the region Secrets (metadata is enough) and {@code memory}, the hub
   * namespace's Secrets as last read, or null to read them on every pass.
   */
  public BrokerAuth(
      KubernetesClient client, StableEndpoint endpoint, ObjectReads reads, HubMemory memory) {
    this.client = client;
    this.endpoint = endpoint;
    this.writer = new ObjectWriter(client, reads);
    this.memory = memory;
  }

  /** The hub's credentials and certificates, as kept in its namespace. */
  public record HubSecrets(
      String caPem, String certPem, String keyPem, String backendKey, String probeKey) {}

  public static String caSecret(IoTHub hub) {
    return hub.getMetadata().getName() + "-ca";
  }

  public static String serviceSecret(IoTHub hub) {
    return hub.getMetadata().getName() + "-service-credentials";
  }

  public static String tlsSecret(IoTHub hub) {
    return HubNames.broker(hub) + "-tls";
  }

  public static String serviceFragment(IoTHub hub) {
    return HubNames.broker(hub) + "-auth-svc";
  }

  /** A shard's password lines as earlier builds rendered them; removed on the next pass. */
  public static String shardFragment(IoTHub hub, int index) {
    return HubNames.broker(hub) + "-auth-" + index;
  }

  /**
   * Creates what is missing in the hub namespace; reissues the server certificate when due. With a
   * {@link HubMemory}, a pass soon after the last read takes the Secrets from it.
   */
  public HubSecrets ensureHubSecrets(IoTHub hub, List<Region> regions, Instant now) {
    List<String> names = new ArrayList<>();
    names.add(endpoint.hostName(hub));
    if (hub.getSpec().publicHostName() != null) {
      names.add(hub.getSpec().publicHostName());
    }
    regions.forEach(r -> names.add(endpoint.regionHostName(hub, r)));
    HubSecrets known = memory == null ? null : memory.secrets(hub);
    if (known != null
        && !HubCertificates.needsReissue(
            known.certPem(), new HubCertificates.Issued(known.caPem(), null), names, now)) {
      return known;
    }
    HubSecrets secrets = readOrCreateHubSecrets(hub, names, now);
    if (memory != null) {
      memory.secretsRead(hub, secrets);
    }
    return secrets;
  }

  /**
   * Makes this cluster's hub CA the one of the cluster that serves the hub, read through {@code
   * peer}, so that devices that verify the brokers trust both clusters' with one CA; the server
   * certificate is reissued from it at the next rollout. Returns false while that cluster has no CA
   * for the hub.
   */
  public boolean adoptCertificateAuthority(IoTHub hub, KubernetesClient peer) {
    String ns = hub.getMetadata().getNamespace();
    Secret theirs = peer.secrets().inNamespace(ns).withName(caSecret(hub)).get();
    if (theirs == null
        || theirs.getData() == null
        || !theirs.getData().containsKey("ca.crt")
        || !theirs.getData().containsKey("ca.key")) {
      return false;
    }
    Map<String, String> data =
        Map.of("ca.crt", text(theirs, "ca.crt"), "ca.key", text(theirs, "ca.key"));
    Secret ours = ours(hub, client.secrets().inNamespace(ns).withName(caSecret(hub)).get());
    if (ours != null
        && ours.getData() != null
        && data.equals(Map.of("ca.crt", text(ours, "ca.crt"), "ca.key", text(ours, "ca.key")))) {
      return true;
    }
    if (ours == null) {
      create(hub, caSecret(hub), data);
    } else {
      client.resource(withData(ours, data)).update();
    }
    if (memory != null) {
      memory.forget(hub); // the next pass reads the new CA, and reissues the certificate from it
    }
    return true;
  }

  private HubSecrets readOrCreateHubSecrets(IoTHub hub, List<String> names, Instant now) {
    String ns = hub.getMetadata().getNamespace();
    Secret ca = ours(hub, client.secrets().inNamespace(ns).withName(caSecret(hub)).get());
    if (ca == null) {
      HubCertificates.Issued issued =
          HubCertificates.newCertificateAuthority(hub.getMetadata().getName(), now);
      ca =
          create(
              hub,
              caSecret(hub),
              Map.of("ca.crt", issued.certificatePem(), "ca.key", issued.privateKeyPem()));
    }
    HubCertificates.Issued caIssued =
        new HubCertificates.Issued(text(ca, "ca.crt"), text(ca, "ca.key"));
    Secret tls = ours(hub, client.secrets().inNamespace(ns).withName(tlsSecret(hub)).get());
    if (tls == null || HubCertificates.needsReissue(text(tls, "tls.crt"), caIssued, names, now)) {
      HubCertificates.Issued server = HubCertificates.newServerCertificate(caIssued, names, now);
      Map<String, String> data =
          Map.of(
              "tls.crt",
              server.certificatePem(),
              "tls.key",
              server.privateKeyPem(),
              "ca.crt",
              caIssued.certificatePem());
      tls =
          tls == null
              ? create(hub, tlsSecret(hub), data)
              : client.resource(withData(tls, data)).update();
    }
    Secret service = ours(hub, client.secrets().inNamespace(ns).withName(serviceSecret(hub)).get());
    if (service == null) {
      String backend = DeviceKeys.newKey();
      service =
          create(
              hub,
              serviceSecret(hub),
              Map.of(
                  BACKEND_KEY,
                  backend,
                  PROBE_KEY,
                  DeviceKeys.newKey(),
                  BACKEND_CONNECTION_STRING,
                  "HostName="
                      + endpoint.hostName(hub)
                      + ";SharedAccessKeyName="
                      + ServiceUser.BACKEND.username()
                      + ";SharedAccessKey="
                      + backend));
    }
    return new HubSecrets(
        caIssued.certificatePem(),
        text(tls, "tls.crt"),
        text(tls, "tls.key"),
        text(service, BACKEND_KEY),
        text(service, PROBE_KEY));
  }

  /**
   * Renders the region's certificate and the service users' password lines, and removes the
   * per-shard password fragments of earlier builds. {@code fragments} is the metadata (from the
   * informer cache) of the region's broker-auth Secrets.
   */
  public void apply(IoTHub hub, Region region, HubSecrets secrets, List<Secret> fragments) {
    Map<String, String> tls = new LinkedHashMap<>();
    tls.put("ca.crt", secrets.caPem());
    tls.put("tls.crt", secrets.certPem());
    tls.put("tls.key", secrets.keyPem());
    writer.apply(regional(hub, region, tlsSecret(hub), "kubernetes.io/tls", tls, null), s -> null);

    Map<String, Secret> rendered = new LinkedHashMap<>();
    fragments.forEach(f -> rendered.put(f.getMetadata().getName(), f));
    String keysChecksum =
        RegistryShard.checksum(
            (secrets.backendKey() + "\n" + secrets.probeKey()).getBytes(StandardCharsets.UTF_8));
    Secret svc = rendered.get(serviceFragment(hub));
    if (svc == null || !keysChecksum.equals(annotation(svc, SOURCE_CHECKSUM))) {
      Map<ServiceUser, String> hashes = new EnumMap<>(ServiceUser.class);
      hashes.put(ServiceUser.BACKEND, PasswordHashes.hash(secrets.backendKey()));
      hashes.put(ServiceUser.PROBE, PasswordHashes.hash(secrets.probeKey()));
      put(
          regional(
              hub,
              region,
              serviceFragment(hub),
              "Opaque",
              Map.of(MosquittoConfig.PASSWORD_FILE_NAME, PasswordFile.serviceFragment(hashes)),
              keysChecksum),
          svc);
    }
    String oldFragments = shardFragment(hub, 0).replaceAll("0$", "");
    for (Secret old : rendered.values()) {
      String name = old.getMetadata().getName();
      if (name.startsWith(oldFragments) && name.substring(oldFragments.length()).matches("\\d+")) {
        ours(hub, old);
        client.resource(old).lockResourceVersion(old.getMetadata().getResourceVersion()).delete();
      }
    }
  }

  /** The ACL: device isolation by pattern, constant whatever the fleet's size. */
  public static String acl() {
    return AclFile.render();
  }

  private void put(Secret desired, Secret existing) {
    if (existing == null) {
      Ownership.createOrUpdate(client, desired);
    } else {
      Ownership.requireOurs(existing, desired);
      desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
      client.resource(desired).update();
    }
  }

  private static Secret regional(
      IoTHub hub,
      Region region,
      String name,
      String type,
      Map<String, String> data,
      String sourceChecksum) {
    SecretBuilder b =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(region.namespace())
            .withLabels(HubNames.ownerLabels(hub))
            .addToLabels(HubNames.COMPONENT, COMPONENT)
            .addToLabels(HubNames.REGION, region.id())
            .addToLabels(HubNames.REGION_SECRET, "true")
            .endMetadata()
            .withType(type)
            .withData(encode(data));
    if (sourceChecksum != null) {
      b.editMetadata().addToAnnotations(SOURCE_CHECKSUM, sourceChecksum).endMetadata();
    }
    return b.build();
  }

  private Secret create(IoTHub hub, String name, Map<String, String> data) {
    Secret s =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(hub.getMetadata().getNamespace())
            .withLabels(HubNames.ownerLabels(hub))
            .withOwnerReferences(Owners.controller(hub))
            .endMetadata()
            .withType("Opaque")
            .withData(encode(data))
            .build();
    return Ownership.create(client, s);
  }

  /** {@code s} when it is the hub's (or null); a foreign object raises a NameConflict. */
  private static Secret ours(IoTHub hub, Secret s) {
    if (s != null) {
      Ownership.requireOurs(
          s,
          hub.getMetadata().getUid(),
          hub.getMetadata().getName(),
          hub.getMetadata().getNamespace());
    }
    return s;
  }

  private static Secret withData(Secret s, Map<String, String> data) {
    s.setData(encode(data));
    return s;
  }

  private static Map<String, String> encode(Map<String, String> data) {
    Map<String, String> out = new LinkedHashMap<>();
    data.forEach(
        (k, v) ->
            out.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return out;
  }

  private static String text(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static String annotation(Secret s, String key) {
    return s.getMetadata().getAnnotations() == null
        ? null
        : s.getMetadata().getAnnotations().get(key);
  }
}
