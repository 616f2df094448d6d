package dev.iothub.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.Device;
import dev.iothub.api.v1alpha1.DeviceImport;
import dev.iothub.api.v1alpha1.DeviceImportPhase;
import dev.iothub.api.v1alpha1.DeviceImportSpec;
import dev.iothub.api.v1alpha1.DeviceSpec;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.FailoverRequestStatus;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Messages;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An exception in a pass ends in a status a person can act on, without touching the cache. */
class ErrorStatusTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  static final RuntimeException BOOM = new IllegalStateException("shard 3 could not be read");

  @Test
  void aDeviceEndsNotRegisteredWithTheOperatorError() {
    Device device = device();
    ErrorStatusUpdateControl<Device> control =
        new DeviceReconciler(null, CLOCK, null).updateErrorStatus(device, null, BOOM);

    Device patched = control.getResource().orElseThrow();
    assertThat(patched.getStatus().getRegistered()).isFalse();
    assertThat(patched.getStatus().getReason()).isEqualTo("OperatorError");
    assertThat(patched.getStatus().getMessage())
        .contains("IllegalStateException: shard 3 could not be read")
        .contains("tries again");
    assertThat(Conditions.find(patched.getStatus().getConditions(), "Registered"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("OperatorError"));
    assertThat(device.getStatus()).as("the cached object is not changed").isNull();
  }

  @Test
  void anExceptionWithAHugeMessageEndsInABoundedStatus() {
    // e.g. an API error that quotes a whole object back: the status stays small by construction.
    RuntimeException huge = new IllegalStateException("x".repeat(200_000) + "\nsecond line");
    Device patched =
        new DeviceReconciler(null, CLOCK, null)
            .updateErrorStatus(device(), null, huge)
            .getResource()
            .orElseThrow();
    assertThat(patched.getStatus().getMessage().length()).isLessThanOrEqualTo(Messages.MAX_LENGTH);
    assertThat(patched.getStatus().getMessage()).doesNotContain("second line");

    IoTHub hub = new IoTHub();
    hub.setMetadata(new ObjectMetaBuilder().withName("h").withNamespace("ns").build());
    IoTHubStatus status = HubErrors.failed(hub, huge, CLOCK.instant());
    assertThat(Conditions.find(status.getConditions(), IoTHubReconciler.RECONCILED))
        .hasValueSatisfying(c -> assertThat(c.getMessage()).hasSize(Messages.MAX_LENGTH));
  }

  @Test
  void theSameFailureTwiceIsWrittenOnce() {
    Device device = device();
    DeviceReconciler reconciler = new DeviceReconciler(null, CLOCK, null);
    device.setStatus(
        reconciler.updateErrorStatus(device, null, BOOM).getResource().orElseThrow().getStatus());

    ErrorStatusUpdateControl<Device> again = reconciler.updateErrorStatus(device, null, BOOM);
    assertThat(again.getResource()).isEmpty();
    assertThat(again.isDefaultErrorProcessing()).isFalse();
  }

  @Test
  void aConflictIsOnlyRetried() {
    ErrorStatusUpdateControl<Device> control =
        new DeviceReconciler(null, CLOCK, null)
            .updateErrorStatus(device(), null, new KubernetesClientException("stale", 409, null));
    assertThat(control.isDefaultErrorProcessing()).isTrue();
  }

  @Test
  void anImportWaitsWithTheOperatorError() {
    DeviceImport job = new DeviceImport();
    job.setMetadata(new ObjectMetaBuilder().withName("fleet").withNamespace("ns").build());
    DeviceImportSpec spec = new DeviceImportSpec();
    spec.setHubName("contoso-hub");
    spec.setSecretNames(List.of("fleet"));
    job.setSpec(spec);

    DeviceImport patched =
        new DeviceImportReconciler(null, CLOCK)
            .updateErrorStatus(job, null, BOOM)
            .getResource()
            .orElseThrow();
    assertThat(patched.getStatus().getPhase()).isEqualTo(DeviceImportPhase.Pending);
    assertThat(patched.getStatus().getReason()).isEqualTo("OperatorError");
  }

  @Test
  void aRunningRequestKeepsItsPhaseAndAFinishedOneIsLeftAlone() {
    FailoverRequest request = request(RequestPhase.Running);
    FailoverRequest patched =
        new FailoverRequestReconciler(CLOCK)
            .updateErrorStatus(request, null, BOOM)
            .getResource()
            .orElseThrow();
    assertThat(patched.getStatus().getPhase()).isEqualTo(RequestPhase.Running);
    assertThat(Conditions.find(patched.getStatus().getConditions(), "Completed"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("OperatorError");
            });

    assertThat(
            new FailoverRequestReconciler(CLOCK)
                .updateErrorStatus(request(RequestPhase.Succeeded), null, BOOM)
                .isDefaultErrorProcessing())
        .isTrue();
  }

  static Device device() {
    Device device = new Device();
    device.setMetadata(
        new ObjectMetaBuilder()
            .withName("thermostat-1")
            .withNamespace("ns")
            .withGeneration(1L)
            .build());
    DeviceSpec spec = new DeviceSpec();
    spec.setHubName("contoso-hub");
    device.setSpec(spec);
    return device;
  }

  static FailoverRequest request(RequestPhase phase) {
    FailoverRequest request = new FailoverRequest();
    request.setMetadata(
        new ObjectMetaBuilder().withName("r").withNamespace("ns").withGeneration(1L).build());
    FailoverRequestSpec spec = new FailoverRequestSpec();
    spec.setHubName("contoso-hub");
    spec.setConfirmHubName("contoso-hub");
    request.setSpec(spec);
    FailoverRequestStatus status = new FailoverRequestStatus();
    status.setPhase(phase);
    request.setStatus(status);
    return request;
  }
}
