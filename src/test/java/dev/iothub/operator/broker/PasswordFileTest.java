package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iothub.operator.registry.DeviceRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordFileTest {
  private static final String HASH = PasswordHashes.hash("k");
  private static final String T = "2026-01-01T00:00:00Z";

  @Test
  void listsEnabledDevicesWithACredentialSortedById() {
    String fragment =
        PasswordFile.deviceFragment(
            List.of(
                new DeviceRecord("b", true, HASH, T),
                new DeviceRecord("a", true, HASH, T),
                new DeviceRecord("disabled", false, HASH, T),
                new DeviceRecord("no-key-yet", true, null, T),
                new DeviceRecord("corrupt", true, "$7$101$oops", T),
                new DeviceRecord("bad:id", true, HASH, T),
                new DeviceRecord("iothub-backend", true, HASH, T)));
    assertThat(fragment).isEqualTo("a:" + HASH + "\nb:" + HASH + "\n");
  }

  @Test
  void equalShardsGiveEqualBytes() {
    List<DeviceRecord> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      records.add(new DeviceRecord("device-" + i, true, HASH, T));
    }
    String forward = PasswordFile.deviceFragment(records);
    java.util.Collections.reverse(records);
    assertThat(PasswordFile.deviceFragment(records)).isEqualTo(forward);
  }

  @Test
  void putsServiceUsersFirstAndJoinsFragmentsLikeCat() {
    Map<ServiceUser, String> services = new EnumMap<>(ServiceUser.class);
    services.put(ServiceUser.BACKEND, HASH);
    services.put(ServiceUser.PROBE, HASH);
    List<String> fragments =
        PasswordFile.fragments(
            services,
            List.of(List.of(new DeviceRecord("d1", true, HASH, T)), List.of(), List.of()));
    assertThat(fragments).hasSize(4);
    assertThat(fragments.get(0))
        .isEqualTo("iothub-backend:" + HASH + "\niothub-probe:" + HASH + "\n");
    assertThat(fragments.get(2)).isEmpty();
    assertThat(PasswordFile.join(fragments))
        .isEqualTo(String.join("", fragments))
        .isEqualTo(fragments.get(0) + "d1:" + HASH + "\n");
  }

  @Test
  void refusesMissingServiceHashesDuplicatesAndFragmentsWithoutNewline() {
    assertThatThrownBy(() -> PasswordFile.serviceFragment(Map.of(ServiceUser.BACKEND, HASH)))
        .hasMessageContaining("PROBE");
    assertThatThrownBy(
            () ->
                PasswordFile.deviceFragment(
                    List.of(
                        new DeviceRecord("a", true, HASH, T),
                        new DeviceRecord("a", true, HASH, T))))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> PasswordFile.join(List.of("a:x"))).hasMessageContaining("newline");
  }

  /**
   * 100,000 devices in 32 shards: the largest fragment is about half a Secret (1 MiB), leaving room
   * to grow to about 180,000 devices with ids of this length.
   */
  @Test
  void hundredThousandDevicesInThirtyTwoShardsFitKubernetesObjects() {
    int shards = 32;
    List<List<DeviceRecord>> byShard = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      byShard.add(new ArrayList<>());
    }
    for (int i = 0; i < 100_000; i++) {
      String id = "device-" + java.util.UUID.randomUUID(); // 43 characters, longer than most
      byShard
          .get(dev.iothub.operator.registry.RegistryShard.indexOf(id, shards))
          .add(new DeviceRecord(id, true, HASH, T));
    }
    long started = System.nanoTime();
    List<String> fragments = new ArrayList<>();
    for (List<DeviceRecord> shard : byShard) {
      fragments.add(PasswordFile.deviceFragment(shard));
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    int largest =
        fragments.stream()
            .mapToInt(f -> f.getBytes(StandardCharsets.UTF_8).length)
            .max()
            .orElseThrow();
    assertThat(largest).isLessThan(PasswordFile.MAX_FRAGMENT_BYTES * 6 / 10);
    assertThat(PasswordFile.join(fragments).lines()).hasSize(100_000);
    assertThat(millis).as("render time in ms").isLessThan(5_000);
  }

  @Test
  void refusesAFragmentTooLargeForAKubernetesObject() {
    List<DeviceRecord> records = new ArrayList<>();
    for (int i = 0; i < 8_000; i++) {
      records.add(new DeviceRecord("device-" + "x".repeat(100) + i, true, HASH, T));
    }
    assertThatThrownBy(() -> PasswordFile.deviceFragment(records))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("registry.shards");
  }
}
