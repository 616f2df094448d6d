package dev.iothub.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code iothub} command line (also {@code kubectl iothub}, through bin/kubectl-iothub): the
 * portal's view of a hub and its "Start failover", against the current kube context.
 */
@Command(
    name = "iothub",
    mixinStandardHelpOptions = true,
    // Subcommands inherit -h/--help, -V/--version, -n and --context.
    scope = ScopeType.INHERIT,
    versionProvider = IoTHubCli.Version.class,
    description = "Manual failover and failback of self-hosted IoT hubs (iothub-operator).",
    subcommands = {
      HubCommand.class,
      FailoverCommand.class,
      DevicesCommand.class,
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:Success (the operation succeeded, or a command that only reads).",
      " 1:The failover or failback ran and failed; the hub was put back.",
      " 2:Usage error.",
      " 3:The operator refused the request (TooSoon, QuotaExceeded, ...).",
      " 4:Wrong or missing confirmation: nothing was created.",
      " 5:No such IoTHub in the namespace.",
      " 6:The iothub.dev CRDs are not installed in the cluster.",
      " 7:No cluster configured, API server unreachable or credentials refused.",
      " 8:--timeout passed; the request keeps running.",
      " 9:Other API error (permission denied, server error).",
      "10:Internal error of the command line."
    })
public final class IoTHubCli implements Callable<Integer> {
  /** System property with the name the user calls this command by (set by the launcher). */
  public static final String NAME_PROPERTY = "iothub.cli.name";

  @Spec CommandSpec spec;

  @Option(
      names = {"-n", "--namespace"},
      scope = ScopeType.INHERIT,
      paramLabel = "NAMESPACE",
      description =
          "Namespace of the hub (its resource group). Default: the kube context's namespace.")
  String namespace;

  @Option(
      names = "--context",
      scope = ScopeType.INHERIT,
      paramLabel = "CONTEXT",
      description = "Kubeconfig context to use. Default: the current context.")
  String context;

  private final ClusterConnector connector;
  private final Terminal terminal;
  private final Clock clock;
  private final String name;
  private String server = "(unknown)";
  private String resolvedNamespace = "default";

  public IoTHubCli(ClusterConnector connector, Terminal terminal, Clock clock, String name) {
    this.connector = connector;
    this.terminal = terminal;
    this.clock = clock;
    this.name = name;
  }

  public static void main(String... args) {
    IoTHubCli cli =
        new IoTHubCli(
            KubeConfigConnector.system(),
            Terminal.system(),
            Clock.systemUTC(),
            System.getProperty(NAME_PROPERTY, "iothub"));
    System.exit(cli.execute(args));
  }

  /** Runs one command line; returns its exit code (see {@link ExitCodes}). */
  public int execute(String... args) {
    CommandLine commandLine = new CommandLine(this);
    commandLine.getCommandSpec().name(name);
    commandLine.setOut(new PrintWriter(terminal.out(), true));
    commandLine.setErr(new PrintWriter(terminal.err(), true));
    commandLine.setExecutionExceptionHandler((e, cl, parsed) -> handle(e));
    int code = commandLine.execute(args);
    terminal.out().flush();
    terminal.err().flush();
    return code;
  }

  @Override
  public Integer call() {
    return usage(spec);
  }

  /** A command group called without a subcommand: its usage, as a usage error. */
  static int usage(CommandSpec spec) {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** The root command, from any subcommand's spec. */
  static IoTHubCli of(CommandSpec spec) {
    return (IoTHubCli) spec.root().userObject();
  }

  /** Connects to the cluster and settles the namespace. */
  Session open() {
    ClusterConnector.Connection connection = connector.connect(context);
    String ns =
        namespace != null
            ? namespace
            : Optional.ofNullable(connection.client().getNamespace()).orElse("default");
    server = String.valueOf(connection.client().getConfiguration().getMasterUrl());
    resolvedNamespace = ns;
    return new Session(connection, ns, terminal, clock, name);
  }

  private int handle(Exception e) {
    CliException failure;
    if (e instanceof CliException c) {
      failure = c;
    } else if (ApiErrors.find(e) != null) {
      KubernetesClientException k = ApiErrors.find(e);
      failure = ApiErrors.translate(k, server, resolvedNamespace);
    } else if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      failure = new CliException(ExitCodes.INTERNAL, "Interrupted.");
    } else {
      terminal.err().println("error: unexpected failure of the iothub command line:");
      e.printStackTrace(terminal.err());
      return ExitCodes.INTERNAL;
    }
    terminal.err().println("error: " + failure.getMessage());
    return failure.exitCode();
  }

  /** The version in the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = IoTHubCli.class.getPackage().getImplementationVersion();
      return new String[] {"iothub " + (v == null ? "(development build)" : v)};
    }
  }
}
