package dev.iothub.cli;

import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestSpec;
import dev.iothub.api.v1alpha1.FailoverRequestStatus;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.operator.failover.FailoverRules;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code iothub failover ...}: the portal's manual failover, as FailoverRequests. */
@Command(
    name = "failover",
    description = "Fail a hub over to its failover location and back, and see how it went.",
    subcommands = {
      FailoverCommand.Start.class,
      FailoverCommand.Status.class,
      FailoverCommand.History.class
    })
final class FailoverCommand extends CommandGroup {
  /** Annotation on requests this command line creates. */
  static final String CREATED_BY = "iothub.dev/created-by";

  @Command(
      name = "start",
      description = {
        "Start a manual failover: the hub moves to its failover location (or, when it runs"
            + " there, back to its primary location). Like the portal, it asks you to type the"
            + " hub's name to confirm. Then it follows the FailoverRequest it created until the"
            + " request is final: exit code 0 when it succeeded, 3 when the operator refused it,"
            + " 1 when it failed."
      })
  static final class Start extends HubSubcommand {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    @Option(
        names = "--confirm",
        paramLabel = "HUB",
        description = "The hub's name, given instead of typed (for scripts). It must equal HUB.")
    String confirm;

    @Option(
        names = "--no-wait",
        description = "Create the request and return at once; see it with 'failover status'.")
    boolean noWait;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description =
            "Stop following after this long (90s, 10m, 1h); the request keeps running."
                + " Default: until the request is final.")
    Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
      try (Session s = IoTHubCli.of(spec).open()) {
        IoTHub hub = s.requireHub(hubName);
        PrintStream out = s.terminal().out();
        OperationType type = FailoverRules.typeOf(hub.getStatus());
        describe(hub, type, s);
        String typed =
            confirm != null
                ? confirm
                : s.terminal()
                    .prompt(
                        "Type the hub name to confirm the manual "
                            + type.name().toLowerCase()
                            + ": ");
        checkConfirmation(typed);
        if (noWait) {
          FailoverRequest created = create(s, hub, type);
          out.println(
              "Created FailoverRequest "
                  + created.getMetadata().getName()
                  + ". Follow it with: "
                  + s.suggest("failover status " + hubName));
          return ExitCodes.OK;
        }
        try (RequestFollower follower = new RequestFollower(s, hubName)) {
          FailoverRequest created = create(s, hub, type);
          out.println("Created FailoverRequest " + created.getMetadata().getName() + ".");
          return outcome(follower.follow(created, timeout), s);
        }
      }
    }

    private void describe(IoTHub hub, OperationType type, Session s) {
      PrintStream out = s.terminal().out();
      IoTHubStatus st = hub.getStatus();
      out.println(
          "Manual "
              + type.name().toLowerCase()
              + " of IoT hub "
              + hubName
              + " (namespace "
              + s.namespace()
              + ")");
      if (st == null || st.getCurrentLocation() == null) {
        out.println("  The hub has no status yet: the operator decides where it moves.");
        return;
      }
      out.println("  Current location:   " + Views.name(st.getCurrentLocation()));
      out.println("  Failover location:  " + Views.name(st.getFailoverLocation()));
      String devices =
          st.getRegistry() == null || st.getRegistry().getDevices() == null
              ? ""
              : " with its " + st.getRegistry().getDevices() + " devices";
      out.println(
          "  The hub moves "
              + (type == OperationType.Failback ? "back " : "")
              + "to "
              + Views.name(st.getFailoverLocation())
              + devices
              + ".");
      out.println("  Devices keep connecting to " + st.getHostName() + ".");
      Views.Next next = Views.next(st, s.clock().instant());
      if (next.blocker() != null) {
        out.println(
            "  Note: the operator will refuse this request: "
                + next.describe(s.clock().instant())
                + ".");
      }
    }

    private void checkConfirmation(String typed) {
      if (typed == null) {
        throw new CliException(
            ExitCodes.WRONG_CONFIRMATION,
            "No confirmation was typed (standard input is closed): nothing was created. Type the"
                + " hub name at the prompt, or pass --confirm "
                + hubName
                + ".");
      }
      if (!typed.strip().equals(hubName)) {
        throw new CliException(
            ExitCodes.WRONG_CONFIRMATION,
            "'"
                + typed.strip()
                + "' does not match the hub name '"
                + hubName
                + "': nothing was created. Type the hub's name exactly to confirm.");
      }
    }

    /** Creates the request under a fresh name such as {@code contoso-hub-failover-x7k2p}. */
    private FailoverRequest create(Session s, IoTHub hub, OperationType type) {
      for (int attempt = 1; ; attempt++) {
        FailoverRequest request = new FailoverRequest();
        request.setMetadata(
            new ObjectMetaBuilder()
                .withName(hubName + "-" + type.name().toLowerCase() + "-" + suffix())
                .withNamespace(s.namespace())
                .addToAnnotations(CREATED_BY, "iothub-cli")
                .build());
        FailoverRequestSpec spec = new FailoverRequestSpec();
        spec.setHubName(hubName);
        spec.setConfirmHubName(hubName);
        request.setSpec(spec);
        try {
          return s.client().resource(request).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() == 409 && attempt < 5) {
            continue;
          }
          if (e.getCode() == 404) {
            throw s.crdsMissing("failoverrequests.iothub.dev");
          }
          throw e;
        }
      }
    }

    private static String suffix() {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        s.append(SUFFIX_CHARS.charAt(RANDOM.nextInt(SUFFIX_CHARS.length())));
      }
      return s.toString();
    }

    private int outcome(FailoverRequest done, Session s) {
      FailoverRequestStatus st = done.getStatus();
      switch (st.getPhase()) {
        case Succeeded -> {
          s.terminal().out().println(st.getMessage());
          return ExitCodes.OK;
        }
        case Rejected -> {
          PrintStream err = s.terminal().err();
          err.println("Rejected (" + st.getReason() + "): " + st.getMessage());
          if (st.getRetryAfter() != null) {
            err.println("Retry after: " + Times.allowedAt(st.getRetryAfter(), s.clock().instant()));
          }
          return ExitCodes.REJECTED;
        }
        default -> {
          s.terminal().err().println("Failed (" + st.getReason() + "): " + st.getMessage());
          return ExitCodes.FAILED;
        }
      }
    }
  }

  @Command(
      name = "status",
      description = "Show the hub's running FailoverRequest, or else its latest one.")
  static final class Status extends HubSubcommand {
    @Override
    public Integer call() {
      try (Session s = IoTHubCli.of(spec).open()) {
        IoTHub hub = s.requireHub(hubName);
        Optional<FailoverRequest> request = runningOrLatest(hub, s.requestsOf(hubName));
        if (request.isEmpty()) {
          s.terminal()
              .out()
              .println(
                  "There is no FailoverRequest for "
                      + hubName
                      + " in namespace "
                      + s.namespace()
                      + ". Start one with: "
                      + s.suggest("failover start " + hubName)
                      + " (earlier operations: "
                      + s.suggest("failover history " + hubName)
                      + ")");
          return ExitCodes.OK;
        }
        Views.request(request.get(), hub, s.terminal().out(), s.clock().instant());
        return ExitCodes.OK;
      }
    }

    /**
     * The request the hub runs now; else the newest. Creation times have one-second resolution, so
     * ties go to a request the hub has not decided on yet, then to the later one in the hub's
     * history, then to the name.
     */
    static Optional<FailoverRequest> runningOrLatest(IoTHub hub, List<FailoverRequest> requests) {
      IoTHubStatus st = hub.getStatus();
      String running =
          st == null || st.getOperation() == null ? null : st.getOperation().getRequestUid();
      List<OperationRecord> history =
          st == null || st.getHistory() == null ? List.of() : st.getHistory();
      Optional<FailoverRequest> active =
          requests.stream()
              .filter(r -> running != null && running.equals(r.getMetadata().getUid()))
              .findFirst();
      if (active.isPresent()) {
        return active;
      }
      Comparator<FailoverRequest> order =
          Comparator.comparing(
                  (FailoverRequest r) ->
                      Objects.toString(r.getMetadata().getCreationTimestamp(), ""))
              .thenComparingInt(r -> positionIn(history, r))
              .thenComparing(r -> r.getMetadata().getName());
      return requests.stream().max(order);
    }

    private static int positionIn(List<OperationRecord> history, FailoverRequest r) {
      for (int i = history.size() - 1; i >= 0; i--) {
        if (Objects.equals(history.get(i).getRequestUid(), r.getMetadata().getUid())) {
          return i;
        }
      }
      return Integer.MAX_VALUE;
    }
  }

  @Command(
      name = "history",
      description = "Show the hub's finished operations and refused requests, oldest first.")
  static final class History extends HubSubcommand {
    @Option(
        names = {"-w", "--wide"},
        description = "Add the message of each operation.")
    boolean wide;

    @Override
    public Integer call() {
      try (Session s = IoTHubCli.of(spec).open()) {
        Views.history(s.requireHub(hubName), s.terminal().out(), wide);
        return ExitCodes.OK;
      }
    }
  }
}
