package dev.iothub.operator.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.region.Region;
import dev.iothub.operator.region.RegionCatalog;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The writers' fence: closing waits for the writes in flight, and lets none through after. */
class RegistryFenceTest {
  private final RegionCatalog catalog = RegionCatalog.azureDefaults();
  private final Region west = catalog.find("westus2").orElseThrow();
  private final Region central = catalog.find("westcentralus").orElseThrow();
  private final IoTHub hub = hub();

  @AfterEach
  void forget() {
    RegistryFence.forget(hub);
  }

  @Test
  void closingWaitsForTheWriteInFlightAndRefusesEveryLaterOne() throws Exception {
    RegistryFence.openTo(hub, west);
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicBoolean written = new AtomicBoolean();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () ->
                RegistryFence.guard(
                    hub,
                    west,
                    () -> {
                      writing.countDown();
                      await(finish);
                      written.set(true);
                      return null;
                    }));
    assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> RegistryFence.close(hub));
    // Held by the write in flight: it cannot return before the write is made.
    Thread.sleep(200);
    assertThat(closing).isNotDone();
    finish.countDown();
    closing.get(5, TimeUnit.SECONDS);

    assertThat(written).isTrue();
    writer.get(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> RegistryFence.guard(hub, west, () -> fail()))
        .isInstanceOf(RegistryFrozenException.class);
    assertThat(RegistryFence.isOpenTo(hub, west)).isFalse();
  }

  @Test
  void openToOneRegionRefusesWritersOfTheOther() {
    RegistryFence.openTo(hub, central);

    assertThatThrownBy(() -> RegistryFence.guard(hub, west, () -> fail()))
        .isInstanceOf(RegistryFrozenException.class);
    assertThat(RegistryFence.guard(hub, central, () -> "written")).isEqualTo("written");
  }

  @Test
  void aFenceNotKnownYetLetsTheHubsStatusDecide() {
    // After a restart, before the hub's first pass: writers check the hub's status themselves.
    assertThat(RegistryFence.isOpenTo(hub, west)).isTrue();
    assertThat(RegistryFence.guard(hub, west, () -> "written")).isEqualTo("written");
    assertThat(RegistryFence.guard(hub(), central, () -> "another hub")).isEqualTo("another hub");
  }

  private static Object fail() {
    throw new AssertionError("the write ran behind a closed fence");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static IoTHub hub() {
    IoTHub hub = new IoTHub();
    hub.setMetadata(
        new ObjectMetaBuilder()
            .withName("contoso-hub")
            .withNamespace("manlfailrg")
            .withUid(UUID.randomUUID().toString())
            .build());
    return hub;
  }
}
