package dev.iothub.operator.registry;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.operator.broker.DeviceKeys;
import dev.iothub.operator.objects.Owners;
import dev.iothub.operator.objects.Ownership;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The device key, in a Secret of the hub namespace: the only place it is kept. Generated once and
 * owned by the Device (deleted with it); or a Secret the user names, which the operator only reads.
 */
public final class DeviceKeySecrets {
  private static final Logger LOG = Logger.getLogger(DeviceKeySecrets.class);

  public static final String KEY = "primaryKey";
  public static final String CONNECTION_STRING = "connectionString";

  private final KubernetesClient client;

  public DeviceKeySecrets(KubernetesClient client) {
    this.client = client;
  }

  public static String generatedName(Device device) {
    return device.getMetadata().getName() + "-key";
  }

  public static boolean generates(Device device) {
    return device.getSpec().getKeySecretName() == null;
  }

  public static String secretName(Device device) {
    return generates(device) ? generatedName(device) : device.getSpec().getKeySecretName();
  }

  /** The key in the Device's Secret (named or generated) here, or null when there is none. */
  public String find(Device device) {
    return keyIn(
        client
            .secrets()
            .inNamespace(device.getMetadata().getNamespace())
            .withName(secretName(device))
            .get());
  }

  /** The key in a Device's key Secret as read (here or in another cluster), or null. */
  public static String keyIn(Secret secret) {
    return secret != null && secret.getData() != null && secret.getData().get(KEY) != null
        ? decode(secret.getData().get(KEY))
        : null;
  }

  /** Creates the Secret of a Device whose key the operator generates, holding {@code key}. */
  public String createGenerated(Device device, String deviceId, String hostName, String key) {
    String ns = device.getMetadata().getNamespace();
    Secret created =
        new SecretBuilder()
            .withNewMetadata()
            .withName(generatedName(device))
            .withNamespace(ns)
            .addToLabels("app.kubernetes.io/managed-by", "iothub-operator")
            .addToLabels("iothub.dev/hub-name", device.getSpec().getHubName())
            .addToLabels("iothub.dev/device", device.getMetadata().getName())
            .withOwnerReferences(Owners.controller(device))
            .endMetadata()
            .withType("Opaque")
            .withData(
                Map.of(
                    KEY, encode(key),
                    CONNECTION_STRING,
                        encode(DeviceKeys.connectionString(hostName, deviceId, key))))
            .build();
    client.resource(created).create();
    return key;
  }

  public void deleteGenerated(Device device) {
    if (generates(device)) {
      try {
        Secret stored =
            client
                .secrets()
                .inNamespace(device.getMetadata().getNamespace())
                .withName(generatedName(device))
                .get();
        // Only the Secret generated for this Device: one a person made under that name (and the
        // Device then used as its key) is theirs to keep.
        if (stored != null && Ownership.isOurs(stored, device.getMetadata().getUid(), null, null)) {
          client.resource(stored).delete();
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
          throw e;
        }
        // The operator's Role in the hub namespace is gone: the namespace is being deleted, and
        // the Secret (owned by the Device) goes with it. The Device must still be released.
        LOG.infof(
            "%s/%s: key Secret %s left to the garbage collector (no right to delete it any more:"
                + " is the namespace being deleted?)",
            device.getMetadata().getNamespace(),
            device.getMetadata().getName(),
            generatedName(device));
      }
    }
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).trim();
  }
}
