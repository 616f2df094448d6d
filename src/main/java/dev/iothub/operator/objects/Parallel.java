package dev.iothub.operator.objects;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs small independent API calls a few at a time: the API server answers several at once, and one
 * call at a time is paid in round trips (a fence over ~120 shards).
 */
public final class Parallel {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private Parallel() {}

  /**
   * Runs every task, at most {@code parallelism} at once, and returns their results in order. All
   * tasks run to their end even when one fails; then the first failure (in task order) is thrown as
   * it was thrown.
   */
  public static <T> List<T> run(List<Callable<T>> tasks, int parallelism) {
    if (tasks.size() <= 1 || parallelism <= 1) {
      List<T> results = new ArrayList<>();
      for (Callable<T> task : tasks) {
        results.add(call(task));
      }
      return results;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(parallelism, tasks.size()),
            r -> {
              Thread t = new Thread(r, "iothub-parallel-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(task));
      }
      List<T> results = new ArrayList<>();
      RuntimeException first = null;
      for (Future<T> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          if (first == null) {
            first = unwrap(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      if (first != null) {
        throw first;
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T call(Callable<T> task) {
    try {
      return task.call();
    } catch (Exception e) {
      throw unwrap(e);
    }
  }

  private static RuntimeException unwrap(Throwable e) {
    if (e instanceof RuntimeException r) {
      return r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(e);
  }
}
