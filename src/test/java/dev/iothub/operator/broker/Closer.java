package dev.iothub.operator.broker;

import java.util.ArrayList;
import java.util.List;

/**
 * Closes what a test opened, last first, and all of it even when one close fails, so that a failing
 * test never leaves a broker process or a temporary directory behind.
 */
final class Closer {
  private final List<AutoCloseable> resources = new ArrayList<>();

  <T extends AutoCloseable> T add(T resource) {
    resources.add(resource);
    return resource;
  }

  void closeAll() throws Exception {
    Exception first = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    resources.clear();
    if (first != null) {
      throw first;
    }
  }
}
