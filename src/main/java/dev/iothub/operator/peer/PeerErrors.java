package dev.iothub.operator.peer;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/**
 * Turns an error of a call to another cluster into a verdict with a sentence to act on. Built from
 * the HTTP code and the root cause's type and message, never from a request's text: nothing a
 * kubeconfig holds can reach a status or a log through here.
 */
final class PeerErrors {
  private PeerErrors() {}

  static PeerReach verdict(PeerReach named, String namespace, KubernetesClientException e) {
    String where = "Cluster " + named.cluster() + " (" + named.server() + ")";
    int code = e.getCode();
    if (code == HttpURLConnection.HTTP_UNAUTHORIZED) {
      return with(
          named,
          PeerReach.Verdict.PeerCredentialsRefused,
          where
              + " refused the kubeconfig in Secret "
              + named.secret()
              + ": 401 Unauthorized. Renew the credentials in that Secret; nothing fails over on"
              + " a refusal.");
    }
    if (code == HttpURLConnection.HTTP_FORBIDDEN) {
      return with(
          named,
          PeerReach.Verdict.PeerCredentialsRefused,
          where
              + " denied the kubeconfig in Secret "
              + named.secret()
              + " the listing of Deployments in namespace "
              + namespace
              + ": 403 Forbidden. Bind its user to the chart's peer-reader Role there"
              + " (peerReader.enabled=true).");
    }
    return with(
        named,
        PeerReach.Verdict.PeerUnreachable,
        where + " does not answer: " + describe(e) + ". The operator checks again.");
  }

  /** The HTTP code, or the root cause's type and message (a refused connection, a timeout). */
  static String describe(KubernetesClientException e) {
    if (e.getCode() > 0) {
      return "HTTP " + e.getCode();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static PeerReach with(PeerReach named, PeerReach.Verdict verdict, String message) {
    return new PeerReach(named.cluster(), named.server(), named.secret(), verdict, message);
  }
}
