package dev.iothub.operator.peer;

import java.net.URI;

/**
 * What the last check of a region's cluster found: the cluster's name and API server, and whether
 * it answered. {@code message} is a sentence a person can act on; it names the Secret, never what
 * the Secret holds.
 *
 * @param cluster the kubeconfig's current context, or null when the kubeconfig could not be read
 * @param server host and port of the API server, or null when the kubeconfig could not be read
 * @param secret namespace/name of the kubeconfig Secret
 */
public record PeerReach(
    String cluster, String server, String secret, Verdict verdict, String message) {

  /** The verdicts, also the reasons of the hub's PeerReachable condition. */
  public enum Verdict {
    Reachable,
    /** No answer: a connection error or timeout, or the server answered with a 5xx. */
    PeerUnreachable,
    /** The server answered 401 or 403: that is not an outage, and nothing promotes on it. */
    PeerCredentialsRefused,
    KubeconfigSecretMissing,
    KubeconfigInvalid
  }

  public boolean reachable() {
    return verdict == Verdict.Reachable;
  }

  /** {@code host:port} of an API server URL, or the URL itself when it does not parse. */
  static String hostOf(String masterUrl) {
    try {
      URI uri = URI.create(masterUrl);
      return uri.getHost() == null
          ? masterUrl
          : uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    } catch (IllegalArgumentException e) {
      return masterUrl;
    }
  }
}
