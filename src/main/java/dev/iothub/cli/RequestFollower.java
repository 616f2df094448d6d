package dev.iothub.cli;

import dev.iothub.api.v1alpha1.ActiveOperation;
import dev.iothub.api.v1alpha1.FailoverRequest;
import dev.iothub.api.v1alpha1.IoTHub;
import dev.iothub.api.v1alpha1.RequestPhase;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows a FailoverRequest until it is final, drawing its progress. It watches the hub as well as
 * the request: the hub writes each step of the operation first (the request mirrors it a moment
 * later), and the hub's watch is opened before the request is created, so that every step and the
 * banner are shown, in order, however fast the operation runs. Without events it reads both once a
 * second, which also covers a watch the server closed.
 */
final class RequestFollower implements AutoCloseable {
  /** After this long without an answer from the operator, say that it may not be running. */
  static final Duration OPERATOR_HINT_AFTER = Duration.ofSeconds(15);

  private static final Duration POLL = Duration.ofSeconds(1);

  private final Session session;
  private final String hubName;
  private final BlockingQueue<HasMetadata> events = new LinkedBlockingQueue<>();
  private final Watch hubWatch;
  private Watch requestWatch;
  private IoTHub hub;
  private FailoverRequest request;

  /** Starts watching the hub; call before the request is created. */
  RequestFollower(Session session, String hubName) {
    this.session = session;
    this.hubName = hubName;
    this.hubWatch =
        client()
            .resources(IoTHub.class)
            .inNamespace(session.namespace())
            .withName(hubName)
            .watch(new Queueing<>());
  }

  /**
   * Draws the request's progress until it is final, and returns it in its final state.
   *
   * @param timeout null to wait as long as it takes
   * @throws CliException with {@link ExitCodes#TIMEOUT} when the timeout passes first
   */
  FailoverRequest follow(FailoverRequest created, Duration timeout) throws InterruptedException {
    request = created;
    requestWatch =
        client()
            .resources(FailoverRequest.class)
            .inNamespace(session.namespace())
            .withName(created.getMetadata().getName())
            .watch(new Queueing<>());
    // A change between the create and the watch would be missed: read it once, in turn with the
    // hub's changes that are already queued (each step of the operation is shown in order).
    FailoverRequest current = client().resource(created).get();
    if (current != null) {
      events.add(current);
    }
    ProgressPrinter printer = new ProgressPrinter(session.terminal());
    long started = System.nanoTime();
    boolean bannerShown = false;
    boolean hintShown = false;
    while (true) {
      Progress progress = Progress.of(request, hub);
      if (!bannerShown && ours(hub)) {
        printer.message(hub.getStatus().getMessage());
        bannerShown = true;
      }
      if (progress.phase() == RequestPhase.Pending
          || progress.phase() == RequestPhase.Running
          || progress.phase() == RequestPhase.Succeeded) {
        // A refused or failed request ends with its reason, printed by the caller.
        printer.show(progress);
      }
      if (progress.phase().isTerminal()) {
        printer.finish();
        return request;
      }
      Duration waited = Duration.ofNanos(System.nanoTime() - started);
      if (!hintShown
          && progress.phase() == RequestPhase.Pending
          && waited.compareTo(OPERATOR_HINT_AFTER) > 0) {
        printer.message(
            "  No operator has taken the request after "
                + OPERATOR_HINT_AFTER.toSeconds()
                + " s. Is the iothub-operator running? (kubectl get pods -A -l"
                + " app.kubernetes.io/name=iothub-operator)");
        hintShown = true;
      }
      if (timeout != null && waited.compareTo(timeout) > 0) {
        printer.finish();
        throw new CliException(
            ExitCodes.TIMEOUT,
            "Request "
                + request.getMetadata().getName()
                + " is not final after "
                + Times.amount(timeout)
                + "; it keeps running. Follow it with: "
                + session.suggest("failover status " + hubName));
      }
      HasMetadata event = events.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
      if (event == null) {
        refresh();
      } else {
        take(event);
      }
    }
  }

  private boolean ours(IoTHub h) {
    if (h == null || h.getStatus() == null || h.getStatus().getMessage() == null) {
      return false;
    }
    ActiveOperation op = h.getStatus().getOperation();
    return op != null && Objects.equals(op.getRequestUid(), request.getMetadata().getUid());
  }

  private void take(HasMetadata event) {
    if (event instanceof IoTHub h && newer(h, hub)) {
      hub = h;
    } else if (event instanceof FailoverRequest r
        && Objects.equals(r.getMetadata().getUid(), request.getMetadata().getUid())
        && newer(r, request)) {
      request = r;
    }
  }

  private void refresh() {
    IoTHub h =
        client().resources(IoTHub.class).inNamespace(session.namespace()).withName(hubName).get();
    if (h != null && newer(h, hub)) {
      hub = h;
    }
    FailoverRequest r = client().resource(request).get();
    if (r != null && newer(r, request)) {
      request = r;
    }
  }

  /**
   * Whether {@code candidate} is a later version than {@code current}. Resource versions are
   * opaque; they are compared only when both are numbers (as etcd and the embedded server write
   * them), and otherwise the candidate, which arrived later, wins.
   */
  static boolean newer(HasMetadata candidate, HasMetadata current) {
    if (current == null) {
      return true;
    }
    String a = candidate.getMetadata().getResourceVersion();
    String b = current.getMetadata().getResourceVersion();
    try {
      return Long.parseLong(a) >= Long.parseLong(b);
    } catch (NumberFormatException | NullPointerException e) {
      return true;
    }
  }

  private KubernetesClient client() {
    return session.client();
  }

  @Override
  public void close() {
    hubWatch.close();
    if (requestWatch != null) {
      requestWatch.close();
    }
  }

  private final class Queueing<T extends HasMetadata> implements Watcher<T> {
    @Override
    public void eventReceived(Action action, T resource) {
      if (action != Action.DELETED) {
        events.add(resource);
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      // Reads once a second from now on.
    }
  }
}
