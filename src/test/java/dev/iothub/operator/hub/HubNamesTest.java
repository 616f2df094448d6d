package dev.iothub.operator.hub;

import static dev.iothub.operator.hub.TestHubs.hub;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.operator.objects.HubNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Names of the objects a hub owns in the shared region namespaces: valid DNS-1035 labels (Service
 * names) of at most 63 characters, with room for a shard suffix, and never the same for two hubs.
 */
class HubNamesTest {
  static final String DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
  static final String LABEL_VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";
  static final int MAX_HUB_NAME = 50; // the CRD's rule on metadata.name
  static final int MAX_NAMESPACE = 63;

  static String ofLength(String stem, int length) {
    StringBuilder s = new StringBuilder(stem);
    while (s.length() < length) {
      s.append((char) ('a' + s.length() % 26));
    }
    return s.substring(0, length);
  }

  static Stream<Arguments> hubs() {
    return Stream.of(
        Arguments.of("h", "n"),
        Arguments.of("contoso-hub", "manlfailrg"),
        Arguments.of(ofLength("hub", MAX_HUB_NAME), ofLength("ns", MAX_NAMESPACE)),
        Arguments.of(ofLength("hub", MAX_HUB_NAME), "n"),
        Arguments.of("h", ofLength("ns", MAX_NAMESPACE)),
        // The cut of a long name falls on a dash, or on two.
        Arguments.of(ofLength("a", 44) + "-" + ofLength("b", 5), ofLength("ns", MAX_NAMESPACE)),
        Arguments.of(ofLength("a", 43) + "--" + ofLength("b", 5), ofLength("ns", MAX_NAMESPACE)),
        Arguments.of("0hub", "0ns"),
        Arguments.of("hub-9", "ns-9"));
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("hubs")
  void regionalNamesAreDns1035LabelsWithRoomForAShardSuffix(String name, String namespace) {
    IoTHub hub = hub(name, namespace, "westus2");

    for (String derived : List.of(HubNames.broker(hub), HubNames.registry(hub))) {
      assertThat(derived).matches(DNS1035_LABEL);
      assertThat(derived.length()).isLessThanOrEqualTo(HubNames.MAX_NAME - "-255".length());
      assertThat(derived + "-255").matches(DNS1035_LABEL).hasSizeLessThanOrEqualTo(63);
    }
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("hubs")
  void labelsAreValidLabelValues(String name, String namespace) {
    IoTHub hub = hub(name, namespace, "westus2");

    assertThat(HubNames.brokerLabels(hub, "westcentralus").values())
        .allSatisfy(v -> assertThat(v).matches(LABEL_VALUE).hasSizeLessThanOrEqualTo(63));
  }

  @Test
  void shortNamesReadAsTheyAreWithAHashThatKeepsThemApart() {
    IoTHub hub = hub("contoso-hub", "manlfailrg", "westus2");

    // 8056206a: the first 4 bytes of SHA-256("manlfailrg/contoso-hub").
    assertThat(HubNames.broker(hub)).isEqualTo("mqtt-contoso-hub-manlfailrg-8056206a");
    assertThat(HubNames.registry(hub)).isEqualTo("registry-contoso-hub-manlfailrg-8056206a");
    assertThat(HubNames.endpoint(hub)).isEqualTo("contoso-hub");
  }

  @Test
  void longNamesKeepTheirBeginningReadable() {
    IoTHub hub = hub(ofLength("hub", MAX_HUB_NAME), ofLength("ns", MAX_NAMESPACE), "westus2");

    assertThat(HubNames.broker(hub)).startsWith("mqtt-" + ofLength("hub", 20));
  }

  @ParameterizedTest(name = "{0}/{1} and {2}/{3}")
  @CsvSource({
    // namespace, name, namespace, name
    "manlfailrg, contoso-hub, manlfailrg, fabrikam-hub",
    "team-a, hub, team-b, hub",
    // Same joined text: mqtt-a-b-c
    "c, a-b, b-c, a",
    "prod, east-hub, hub-prod, east",
  })
  void twoDifferentHubsNeverGetTheSameName(String ns1, String name1, String ns2, String name2) {
    IoTHub one = hub(name1, ns1, "westus2");
    IoTHub two = hub(name2, ns2, "westus2");

    assertThat(HubNames.broker(one)).isNotEqualTo(HubNames.broker(two));
    assertThat(HubNames.registry(one)).isNotEqualTo(HubNames.registry(two));
  }

  @Test
  void longNamesThatShareTheirBeginningGetDifferentNames() {
    String namespace = ofLength("ns", MAX_NAMESPACE);
    IoTHub one = hub(ofLength("hub", 49) + "x", namespace, "westus2");
    IoTHub two = hub(ofLength("hub", 49) + "y", namespace, "westus2");
    IoTHub three = hub(ofLength("hub", 49) + "x", namespace.substring(0, 62) + "z", "westus2");

    assertThat(List.of(HubNames.broker(one), HubNames.broker(two), HubNames.broker(three)))
        .doesNotHaveDuplicates();
  }

  @Test
  void noTwoHubsOfASmallUniverseShareAName() {
    // Every DNS label of up to 4 characters over {a, b, -}, as hub name and as namespace, short
    // and padded to the longest name and namespace with the same ending.
    List<String> labels = new ArrayList<>();
    collectLabels("", labels);
    Map<String, String> owners = new HashMap<>();
    List<String> clashes = new ArrayList<>();
    for (String name : labels) {
      for (String namespace : labels) {
        for (boolean padded : new boolean[] {false, true}) {
          String n = padded ? "z".repeat(MAX_HUB_NAME - name.length()) + name : name;
          String ns =
              padded ? "z".repeat(MAX_NAMESPACE - namespace.length()) + namespace : namespace;
          String owner = ns + "/" + n;
          String previous = owners.putIfAbsent(HubNames.broker(hub(n, ns, "westus2")), owner);
          if (previous != null) {
            clashes.add(previous + " and " + owner);
          }
        }
      }
    }
    assertThat(owners).hasSizeGreaterThan(1000);
    assertThat(clashes).isEmpty();
  }

  private static void collectLabels(String prefix, List<String> labels) {
    if (prefix.matches(DNS1035_LABEL.replace("[a-z]", "[a-z0-9]"))) {
      labels.add(prefix);
    }
    if (prefix.length() < 4) {
      for (char c : new char[] {'a', 'b', '-'}) {
        collectLabels(prefix + c, labels);
      }
    }
  }

  /** Names that the API server admits for an IoTHub (proved by CrdAdmissionKubeIT). */
  @ParameterizedTest
  @CsvSource({"a", "contoso-hub", "h0-0-0", "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"})
  void everyNameTheApiServerAdmitsGivesValidNames(String name) {
    IoTHub hub = hub(name, "n".repeat(63), "westus2");
    SoftAssertions.assertSoftly(
        softly -> {
          // The stable endpoint is a Service in the hub namespace: a DNS-1035 label.
          softly.assertThat(HubNames.endpoint(hub)).as("endpoint").matches(DNS1035_LABEL);
          softly.assertThat(HubNames.broker(hub)).as("broker").matches(DNS1035_LABEL);
          softly
              .assertThat(HubNames.registry(hub) + "-255")
              .as("registry shard")
              .matches(DNS1035_LABEL)
              .hasSizeLessThanOrEqualTo(63);
        });
  }
}
