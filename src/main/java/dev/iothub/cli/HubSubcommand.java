package dev.iothub.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A command about one hub: its name is the first parameter. */
abstract class HubSubcommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HUB", description = "Name of the IoTHub.")
  String hubName;
}
