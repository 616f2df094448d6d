package dev.iothub.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;

/** Turns a failed API call into a sentence and an exit code. */
final class ApiErrors {
  private ApiErrors() {}

  /** The first KubernetesClientException in the cause chain, or null. */
  static KubernetesClientException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k) {
        return k;
      }
    }
    return null;
  }

  static CliException translate(KubernetesClientException e, String server, String namespace) {
    IOException io = ioCause(e);
    if (io != null || e.getCode() == 0) {
      String why =
          io == null ? e.getMessage() : io.getClass().getSimpleName() + ": " + io.getMessage();
      return new CliException(
          ExitCodes.NO_CLUSTER,
          "Cannot reach the Kubernetes API server at "
              + server
              + " ("
              + why
              + "). Check that the cluster runs and that the current context points at it"
              + " (kubectl config current-context; kubectl cluster-info).",
          e);
    }
    return switch (e.getCode()) {
      case 401 ->
          new CliException(
              ExitCodes.NO_CLUSTER,
              "The API server at "
                  + server
                  + " refused the credentials of the current context (401 Unauthorized). Log in"
                  + " again or refresh the token, then retry.",
              e);
      case 403 ->
          new CliException(
              ExitCodes.API_ERROR,
              "Permission denied: "
                  + statusMessage(e)
                  + ". The iothub command line needs get, list and watch on iothubs and"
                  + " failoverrequests (group iothub.dev) and create on failoverrequests, in"
                  + " namespace "
                  + namespace
                  + ".",
              e);
      default ->
          new CliException(
              ExitCodes.API_ERROR,
              "The API server answered " + e.getCode() + ": " + statusMessage(e) + ".",
              e);
    };
  }

  private static String statusMessage(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }

  private static IOException ioCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException io) {
        return io;
      }
    }
    return null;
  }
}
