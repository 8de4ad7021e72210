package dev.gatehouse.gateway.testsupport;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Blocks a test thread on a Vert.x future. */
public final class Await {

  private Await() {}

  public static <T> T result(Future<T> future) throws Exception {
    return result(future, Duration.ofSeconds(60));
  }

  public static <T> T result(Future<T> future, Duration limit) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
  }
}
