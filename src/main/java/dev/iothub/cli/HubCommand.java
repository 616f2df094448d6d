package dev.iothub.cli;

import dev.iothub.api.v1alpha1.IoTHub;
import picocli.CommandLine.Command;

/** {@code iothub hub ...}: what the portal shows of a hub. */
@Command(
    name = "hub",
    description = "Show IoT hubs.",
    subcommands = {HubCommand.Show.class})
final class HubCommand extends CommandGroup {

  @Command(
      name = "show",
      description = {
        "Show a hub: state and banner, current, failover and primary location, host name,"
            + " devices, failover quota left and when the next failover or failback is allowed."
      })
  static final class Show extends HubSubcommand {
    @Override
    public Integer call() {
      try (Session s = IoTHubCli.of(spec).open()) {
        IoTHub hub = s.requireHub(hubName);
        Views.hub(hub, s.terminal().out(), s.clock().instant());
        return ExitCodes.OK;
      }
    }
  }
}
