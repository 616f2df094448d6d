package dev.iothub.operator.status;

/**
 * The size budget of a status that lives in its object (etcd's limit is about 1.5 MiB, and every
 * watcher receives the whole object on each change). A hub's status stays under {@link #MAX_BYTES}
 * by construction: bounded counts of entries (history limit, successes of a quota window, names of
 * the replay guard) times bounded fields (names and region names by the API server and the region
 * catalogue, messages by {@link Messages#bounded}). StatusBudgetTest computes the worst case from
 * these bounds.
 */
public final class StatusBudget {
  /** The most a hub's status may take, serialized as JSON. */
  public static final int MAX_BYTES = 256 * 1024;

  private StatusBudget() {}
}
