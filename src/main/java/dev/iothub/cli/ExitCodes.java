package dev.iothub.cli;

/**
 * Exit codes of the iothub command line. Each failure has its own code, so that a script can tell
 * "the operator refused" from "nothing was created" from "there is no cluster".
 */
public final class ExitCodes {
  /** The operation succeeded, or a command that only reads found what it looked for. */
  public static final int OK = 0;

  /** The failover or failback ran and failed; the operator put the hub back where it was. */
  public static final int FAILED = 1;

  /** Unknown command or option, missing argument (picocli's usage error code). */
  public static final int USAGE = 2;

  /** The operator refused the request: TooSoon, QuotaExceeded, OperationInProgress, ... */
  public static final int REJECTED = 3;

  /** The typed confirmation was wrong or missing: nothing was created. */
  public static final int WRONG_CONFIRMATION = 4;

  /** There is no IoTHub of that name in the namespace. */
  public static final int HUB_NOT_FOUND = 5;

  /** The API server does not serve the iothub.dev resources: the CRDs are not installed. */
  public static final int CRDS_NOT_INSTALLED = 6;

  /** No cluster is configured, the API server cannot be reached, or it refused the credentials. */
  public static final int NO_CLUSTER = 7;

  /** --timeout passed before the request reached a final phase; the request keeps running. */
  public static final int TIMEOUT = 8;

  /** Any other answer of the API server: permission denied, server error. */
  public static final int API_ERROR = 9;

  /** An error of the command line itself (a bug): the stack trace is printed. */
  public static final int INTERNAL = 10;

  private ExitCodes() {}
}
