package dev.iothub.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesTest {
  @Test
  void aMessageThatFitsIsKeptAsItIs() {
    String fits = "m".repeat(Messages.MAX_LENGTH);
    assertThat(Messages.bounded(fits)).isSameAs(fits);
    assertThat(Messages.bounded(null)).isNull();
  }

  @Test
  void aLongerMessageIsCutToTheBoundWithAnEllipsis() {
    String cut = Messages.bounded("m".repeat(Messages.MAX_LENGTH + 1));
    assertThat(cut).hasSize(Messages.MAX_LENGTH).endsWith("m...");
  }

  @Test
  void aCutNeverSplitsACharacter() {
    // An emoji is two chars; place one across the cut.
    String text = "m".repeat(Messages.MAX_LENGTH - 4) + "\uD83D\uDE00".repeat(10);
    String cut = Messages.bounded(text);
    assertThat(cut.length()).isLessThanOrEqualTo(Messages.MAX_LENGTH);
    assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 4))).isFalse();
  }

  @Test
  void aConditionCarriesABoundedMessage() {
    List<Condition> conditions = new ArrayList<>();
    Conditions.set(conditions, "Ready", false, "Boom", "x".repeat(100_000), 1L, Instant.EPOCH);
    assertThat(conditions.get(0).getMessage()).hasSize(Messages.MAX_LENGTH);
  }
}
