package dev.iothub.operator.broker;

/**
 * The broker's mosquitto ACL file. Devices are isolated by two {@code pattern} lines, in which
 * mosquitto substitutes the connected user's name ({@code %u}), so the file has the same few lines
 * whatever the size of the fleet and never changes when devices come and go.
 *
 * <p>Mosquitto applies pattern lines to every user, service users included: they grant each service
 * user the topics of a device named like it, which no device can be ({@link DeviceIds} reserves the
 * names) and which no one else can read. Mosquitto also refuses pattern access outright to a
 * username or client id containing {@code +} or {@code #}, so no device can widen its patterns with
 * a wildcard in its name.
 */
public final class AclFile {
  public static final String FILE_NAME = "acl";

  private AclFile() {}

  public static String render() {
    return String.join(
            "\n",
            "# Rendered by iothub-operator; changes here are overwritten.",
            "# Backend applications: every device's telemetry in, device-bound messages out.",
            "user " + ServiceUser.BACKEND.username(),
            "topic read " + DeviceTopics.events("+") + "#",
            "topic write " + DeviceTopics.deviceBound("+") + "#",
            "",
            "# The operator's probe: a round trip on its own topics only.",
            "user " + ServiceUser.PROBE.username(),
            "topic readwrite " + DeviceTopics.PROBE_ROOT + "#",
            "",
            "# Every device (user = device id): its own telemetry out, its own messages in.",
            "pattern write " + DeviceTopics.events("%u") + "#",
            "pattern read " + DeviceTopics.deviceBound("%u") + "#")
        + "\n";
  }
}
