package dev.iothub.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AclFileTest {
  @Test
  void isolatesDevicesWithPatternsAndGivesServiceUsersOnlyTheirTopics() {
    assertThat(AclFile.render())
        .isEqualTo(
            String.join(
                "\n",
                "# Rendered by iothub-operator; changes here are overwritten.",
                "# Backend applications: every device's telemetry in, device-bound messages out.",
                "user iothub-backend",
                "topic read devices/+/messages/events/#",
                "topic write devices/+/messages/devicebound/#",
                "",
                "# The operator's probe: a round trip on its own topics only.",
                "user iothub-probe",
                "topic readwrite iothub/probe/#",
                "",
                "# Every device (user = device id): its own telemetry out, its own messages in.",
                "pattern write devices/%u/messages/events/#",
                "pattern read devices/%u/messages/devicebound/#",
                ""));
  }

  @Test
  void namesNoDeviceSoItsSizeIsConstant() {
    assertThat(AclFile.render().lines())
        .hasSizeLessThan(20)
        .noneMatch(l -> l.startsWith("topic readwrite #"));
  }
}
