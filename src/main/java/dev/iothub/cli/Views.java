package dev.iothub.cli;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.FailoverRequestStatus;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.IoTHubStatus;
import dev.iothub.api.v1alpha1.LocationRef;
import dev.iothub.api.v1alpha1.OperationRecord;
import dev.iothub.api.v1alpha1.OperationType;
import dev.iothub.api.v1alpha1.QuotaStatus;
import dev.iothub.api.v1alpha1.RegionClusterStatus;
import dev.iothub.api.v1alpha1.RequestPhase;
import dev.iothub.operator.failover.FailoverRules;
import dev.iothub.operator.status.Conditions;
import dev.iothub.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How hubs, requests and histories are printed: label-value blocks and tables. */
final class Views {
  private static final int LABEL = 20;

  private Views() {}

  /** {@code iothub hub show}: what the portal's Overview and Failover blades show. */
  static void hub(IoTHub hub, PrintStream out, Instant now) {
    IoTHubStatus s = hub.getStatus();
    row(
        out,
        "IoT hub",
        hub.getMetadata().getName() + " (namespace " + hub.getMetadata().getNamespace() + ")");
    if (s == null) {
      row(out, "State", "no status yet: is the iothub-operator running?");
      row(out, "Location", location(hub.getSpec().getLocation()));
      return;
    }
    row(out, "State", s.getState());
    row(out, "Banner", s.getMessage() == null ? null : s.getMessage().strip());
    row(out, "Current location", location(s.getCurrentLocation()));
    row(out, "Failover location", location(s.getFailoverLocation()));
    row(out, "Primary location", location(s.getPrimaryLocation()));
    clusters(s, out);
    row(out, "Host name", s.getHostName());
    publicHostName(hub, out);
    row(out, "Devices", devices(s));
    ActiveOperation op = s.getOperation();
    if (op != null) {
      Progress p =
          new Progress(
              RequestPhase.Running,
              op.getType(),
              op.getStep(),
              op.getDevicesMigrated(),
              op.getDevicesTotal() != null
                  ? op.getDevicesTotal()
                  : s.getRegistry() == null ? null : s.getRegistry().getDevices());
      row(
          out,
          "Operation",
          op.getType()
              + " "
              + name(op.getSource())
              + " -> "
              + name(op.getTarget())
              + " (request "
              + op.getRequestName()
              + ", started "
              + Times.happened(op.getStartedAt())
              + ")");
      row(out, "Progress", p.line());
    }
    row(out, "Quota left", quota(s.getQuota()));
    row(out, "Next operation", next(s, now).describe(now));
    Condition ready = Conditions.find(s.getConditions(), "Ready").orElse(null);
    if (ready != null) {
      row(out, "Ready", ready.getStatus() + " (" + ready.getReason() + "): " + ready.getMessage());
    }
  }

  /** The public host name and what became of its DNS record (condition DnsPublished). */
  private static void publicHostName(IoTHub hub, PrintStream out) {
    String host = hub.getSpec().publicHostName();
    if (host == null) {
      return;
    }
    Condition dns = Conditions.find(hub.getStatus().getConditions(), "DnsPublished").orElse(null);
    row(
        out,
        "Public host name",
        dns == null
            ? host + " (not looked at yet)"
            : host
                + ", "
                + ("True".equals(dns.getStatus()) ? "" : "NOT ")
                + "published ("
                + dns.getReason()
                + "): "
                + dns.getMessage());
  }

  /**
   * Which cluster each region is in and whether it answers, when one is in another cluster: the
   * operator's own cluster is "this cluster".
   */
  private static void clusters(IoTHubStatus s, PrintStream out) {
    if (s.getRegionClusters() == null || s.getRegionClusters().isEmpty()) {
      return;
    }
    Condition peer = Conditions.find(s.getConditions(), "PeerReachable").orElse(null);
    LocationRef[] regions = {s.getCurrentLocation(), s.getFailoverLocation()};
    String[] labels = {"Current cluster", "Failover cluster"};
    for (int i = 0; i < regions.length; i++) {
      LocationRef region = regions[i];
      if (region == null) {
        continue;
      }
      RegionClusterStatus c =
          s.getRegionClusters().stream()
              .filter(r -> region.getId().equals(r.getRegion()))
              .findFirst()
              .orElse(null);
      String text;
      if (c == null) {
        text = "this cluster";
      } else {
        String name =
            (c.getCluster() == null ? "?" : c.getCluster())
                + (c.getServer() == null ? "" : " (" + c.getServer() + ")");
        text =
            Boolean.TRUE.equals(c.getReachable())
                ? name + ", reachable since " + Times.happened(c.getSince())
                : name
                    + ", NOT reachable since "
                    + Times.happened(c.getSince())
                    + " ("
                    + c.getReason()
                    + ")"
                    + (peer == null || peer.getMessage() == null ? "" : ": " + peer.getMessage());
      }
      row(out, labels[i], text);
    }
  }

  /** {@code iothub failover status}: one request. */
  static void request(FailoverRequest r, IoTHub hub, PrintStream out, Instant now) {
    FailoverRequestStatus s = r.getStatus();
    row(
        out,
        "Request",
        r.getMetadata().getName() + " (namespace " + r.getMetadata().getNamespace() + ")");
    row(out, "Hub", r.getSpec().getHubName());
    row(out, "Created", r.getMetadata().getCreationTimestamp());
    Progress p = Progress.of(r, hub);
    row(out, "Phase", p.phase());
    if (s == null) {
      row(out, "Message", "The operator has not taken the request yet.");
      return;
    }
    if (s.getType() != null) {
      String move =
          s.getSourceLocation() == null
              ? ""
              : ": " + name(s.getSourceLocation()) + " -> " + name(s.getTargetLocation());
      row(out, "Type", s.getType() + move);
    }
    if (p.phase() == RequestPhase.Running || p.phase() == RequestPhase.Succeeded) {
      row(out, "Progress", p.line());
    } else if (p.phase() == RequestPhase.Failed && s.getDevicesMigrated() != null) {
      row(out, "Devices migrated", s.getDevicesMigrated());
    }
    row(out, "Started", Times.happened(s.getStartTime()));
    if (s.getCompletionTime() != null) {
      String took =
          s.getStartTime() == null
              ? ""
              : " (took "
                  + Times.amount(
                      Duration.between(
                          Timestamps.parse(s.getStartTime()),
                          Timestamps.parse(s.getCompletionTime())))
                  + ")";
      row(out, "Completed", Times.happened(s.getCompletionTime()) + took);
    }
    row(out, "Reason", s.getReason());
    row(out, "Message", s.getMessage());
    if (s.getRetryAfter() != null) {
      row(out, "Retry after", Times.allowedAt(s.getRetryAfter(), now));
    }
  }

  /** {@code iothub failover history}: the hub's status.history, oldest first. */
  static void history(IoTHub hub, PrintStream out, boolean wide) {
    List<OperationRecord> history =
        hub.getStatus() == null || hub.getStatus().getHistory() == null
            ? List.of()
            : hub.getStatus().getHistory();
    if (history.isEmpty()) {
      out.println(
          "No failover or failback has been requested for "
              + hub.getMetadata().getName()
              + " yet.");
      return;
    }
    List<String> columns =
        new ArrayList<>(
            List.of(
                "COMPLETED",
                "REQUEST",
                "TYPE",
                "RESULT",
                "FROM",
                "TO",
                "DEVICES",
                "TOOK",
                "REASON"));
    if (wide) {
      columns.add("MESSAGE");
    }
    TextTable table = new TextTable(columns.toArray(String[]::new));
    for (OperationRecord r : history) {
      String took =
          r.getStartedAt() == null || r.getCompletedAt() == null
              ? null
              : Times.amount(
                  Duration.between(
                      Timestamps.parse(r.getStartedAt()), Timestamps.parse(r.getCompletedAt())));
      String[] cells = {
        Times.happened(r.getCompletedAt()),
        r.getRequestName(),
        r.getType() == null ? null : r.getType().name(),
        r.getResult() == null ? null : r.getResult().name(),
        r.getSource() == null ? null : r.getSource().getDisplayName(),
        r.getTarget() == null ? null : r.getTarget().getDisplayName(),
        r.getDevicesMigrated() == null ? null : r.getDevicesMigrated().toString(),
        took,
        r.getReason(),
        r.getMessage()
      };
      table.row(wide ? cells : java.util.Arrays.copyOf(cells, cells.length - 1));
    }
    table.print(out);
  }

  static String name(LocationRef ref) {
    return ref == null ? "?" : ref.getDisplayName();
  }

  private static String location(LocationRef ref) {
    return ref == null ? null : ref.getDisplayName() + " (" + ref.getId() + ")";
  }

  private static String location(String id) {
    return id;
  }

  private static String devices(IoTHubStatus s) {
    if (s.getRegistry() == null || s.getRegistry().getDevices() == null) {
      return null;
    }
    return s.getRegistry().getDevices()
        + (Boolean.TRUE.equals(s.getRegistry().getFrozen())
            ? " (registry writes wait until the operation completes)"
            : "");
  }

  private static String quota(QuotaStatus q) {
    if (q == null) {
      return null;
    }
    return plural(q.getFailoversRemaining(), "failover")
        + ", "
        + plural(q.getFailbacksRemaining(), "failback");
  }

  /**
   * What the hub's status says of the next failover or failback: which one, and why or until when
   * it would be refused.
   *
   * @param blocker why a request now would be refused, or null when it would be taken
   * @param allowedAt when it becomes allowed (RFC 3339), when waiting is the cure
   */
  record Next(OperationType type, String blocker, String allowedAt) {
    String describe(Instant now) {
      String kind = type.name().toLowerCase();
      if (blocker == null) {
        return "a " + kind + ", allowed now";
      }
      return allowedAt == null
          ? "a " + kind + ", " + blocker
          : "a " + kind + ", allowed at " + Times.allowedAt(allowedAt, now);
    }
  }

  static Next next(IoTHubStatus s, Instant now) {
    OperationType type = FailoverRules.typeOf(s);
    ActiveOperation op = s.getOperation();
    if (op != null) {
      // After it, the hub runs in the other location: the next operation is the other kind.
      return new Next(
          op.getType() == OperationType.Failover ? OperationType.Failback : OperationType.Failover,
          "once the running " + op.getType().name().toLowerCase() + " completes",
          null);
    }
    QuotaStatus q = s.getQuota();
    if (q != null) {
      Integer left =
          type == OperationType.Failover ? q.getFailoversRemaining() : q.getFailbacksRemaining();
      if (left != null && left <= 0) {
        return new Next(type, "none left in the quota window (QuotaExceeded)", null);
      }
      if (q.getNextOperationAllowedAt() != null
          && Timestamps.parse(q.getNextOperationAllowedAt()).isAfter(now)) {
        return new Next(type, "too soon after the last one", q.getNextOperationAllowedAt());
      }
    }
    return new Next(type, null, null);
  }

  private static String plural(Integer n, String word) {
    return n == null ? "? " + word + "s" : n + " " + word + (n == 1 ? "" : "s");
  }

  private static void row(PrintStream out, String label, Object value) {
    if (value == null) {
      return;
    }
    out.println(String.format("%-" + LABEL + "s%s", label + ":", value));
  }
}
