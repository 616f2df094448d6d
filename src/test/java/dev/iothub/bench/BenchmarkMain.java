package dev.iothub.bench;

/**
 * Runs a benchmark's body and exits: informer threads would keep a finished or failed run alive.
 */
final class BenchmarkMain {
  interface Body {
    void run(String[] args) throws Exception;
  }

  private BenchmarkMain() {}

  static void exitAfter(Body body, String[] args) {
    try {
      body.run(args);
      System.exit(0);
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      System.exit(1);
    }
  }
}
