package dev.iothub.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.operator.registry.DeviceRecord;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HashedImportRecordsTest {
  private static final List<DeviceRecord> RECORDS =
      IntStream.range(10, 20)
          .mapToObj(i -> new DeviceRecord("d" + i, true, "hash-" + i, "2026-12-03T00:00:00Z"))
          .toList();

  @Test
  void theNextPassOfTheSameImportTakesTheRecordsFromWhereItStands() {
    HashedImportRecords kept = new HashedImportRecords();
    kept.keep("uid/1/7", 10, RECORDS);

    List<DeviceRecord> rest = kept.take("uid/1/7", 14);

    assertThat(rest)
        .extracting(DeviceRecord::id)
        .containsExactly("d14", "d15", "d16", "d17", "d18", "d19");
    assertThat(kept.take("uid/1/7", 14)).as("taken once").isNull();
  }

  @Test
  void otherInputOrAPositionOutsideTheKeptRecordsHashesAgainAndDropsThem() {
    HashedImportRecords kept = new HashedImportRecords();
    kept.keep("uid/1/7", 10, RECORDS);
    assertThat(kept.take("uid/1/8", 10)).as("an input Secret changed").isNull();
    assertThat(kept.take("uid/1/7", 10)).as("dropped by the miss").isNull();

    kept.keep("uid/1/7", 10, RECORDS);
    assertThat(kept.take("uid/1/7", 9)).as("the status is behind the kept records").isNull();

    kept.keep("uid/1/7", 10, RECORDS);
    assertThat(kept.take("uid/1/7", 21)).isNull();

    kept.keep("uid/1/7", 10, RECORDS);
    assertThat(kept.take("uid/1/7", 20)).as("all written").isEmpty();
  }
}
