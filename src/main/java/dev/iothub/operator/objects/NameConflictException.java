package dev.iothub.operator.objects;

/**
 * An object the hub needs exists under the hub's name but was not made for this hub (no mark of it,
 * or another hub's). The operator leaves it as it is; the message names it and what to do.
 */
public final class NameConflictException extends RuntimeException {
  private final String kind;
  private final String namespace;
  private final String name;

  public NameConflictException(String kind, String namespace, String name, String whose) {
    super(
        kind
            + " "
            + namespace
            + "/"
            + name
            + " already exists and "
            + whose
            + "; the operator leaves it untouched. Rename or delete it (kubectl delete "
            + kind.toLowerCase(java.util.Locale.ROOT)
            + " -n "
            + namespace
            + " "
            + name
            + "), or give the hub another name; the operator retries.");
    this.kind = kind;
    this.namespace = namespace;
    this.name = name;
  }

  public String kind() {
    return kind;
  }

  public String namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }
}
