package dev.iothub.cli;

import dev.iothub.api.v1alpha1.IoTHub;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code iothub hub ...}: what the portal shows of a hub. */
@Command(
    name = "hub",
    description = "Show IoT hubs.",
    subcommands = {HubCommand.Show.class})
final class HubCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return IoTHubCli.usage(spec);
  }

  @Command(
      name = "show",
      description = {
        "Show a hub: state and banner, current, failover and primary location, host name,"
            + " devices, failover quota left and when the next failover or failback is allowed."
      })
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "HUB", description = "Name of the IoTHub.")
    String hubName;

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
