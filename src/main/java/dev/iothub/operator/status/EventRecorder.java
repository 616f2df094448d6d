package dev.iothub.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes Events on the objects the operator manages, for {@code kubectl describe}. An
 * Event is a courtesy: failing to write one never fails a reconciliation. Callers never pass
 * secrets in messages.
 */
public final class EventRecorder {
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final java.util.Set<String> PER_OBJECT =
      java.util.Set.of("Device", "DeviceImport");

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void record(HasMetadata on, String type, String reason, String message) {
    String now = Timestamps.format(clock.instant());
    String name =
        on.getMetadata().getName()
            + "."
            + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT);
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(on.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(on.getApiVersion())
            .withKind(on.getKind())
            .withName(on.getMetadata().getName())
            .withNamespace(on.getMetadata().getNamespace())
            .withUid(on.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(Messages.bounded(message))
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent("iothub-operator")
            .endSource()
            .withReportingComponent("iothub.dev/operator")
            .build();
    try {
      client.v1().events().inNamespace(on.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.debugf(
          "could not record event %s on %s: %s",
          reason, on.getMetadata().getName(), e.getMessage());
    }
    // Hubs and requests at INFO: a failover reads as a handful of lines. Devices and imports at
    // DEBUG: a fleet would drown them (their Events and status say the same).
    LOG.logf(
        PER_OBJECT.contains(on.getKind()) ? Logger.Level.DEBUG : Logger.Level.INFO,
        "%s/%s %s: %s",
        on.getMetadata().getNamespace(),
        on.getMetadata().getName(),
        reason,
        message);
  }
}
