package dev.gatehouse.gateway.testsupport;

import dev.gatehouse.gateway.runtime.ManagedRuntime;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real elizaOS runtime for tests: one {@link ManagedRuntime} per test JVM, installed on first
 * use into the shared cache ({@link ManagedRuntime#defaultCacheDir}, so later runs and other
 * modules reuse it), started once, and stopped when the JVM exits. Tests share it, so they must
 * not stop it and should use their own workspaces and agent names.
 */
public final class ElizaRuntimes {

  /** The shipped default route policy, which fronts elizaOS. */
  public static final Path DEFAULT_POLICY = Path.of("src", "main", "resources", "policies", "elizaos-1.7.yaml");

  private static final Vertx VERTX = Vertx.vertx();
  private static ManagedRuntime shared;

  private ElizaRuntimes() {}

  /** The JVM's runtime; the first call installs (if not cached) and starts it. */
  public static synchronized ManagedRuntime shared() throws Exception {
    if (shared == null) {
      shared = start(Files.createTempDirectory("eliza-runtime"));
      ManagedRuntime stopping = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          stopping.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          // The JVM is exiting; the runtime also exits when its standard input closes.
        }
      }, "eliza-runtime-stop"));
    }
    return shared;
  }

  /** A runtime of the caller's own, for tests that stop it; the caller must stop it. */
  public static ManagedRuntime start(Path dataDir) throws Exception {
    return Await.result(ManagedRuntime.start(VERTX, new ManagedRuntime.Options(
        ManagedRuntime.defaultCacheDir(System.getenv()), dataDir, ManagedRuntime.DEFAULT_START_TIMEOUT)),
        Duration.ofMinutes(20));
  }

  /**
   * Settings for {@link TestGateways#start} or {@link GatewayFixture#start} that front
   * {@code runtime} as {@code gatehouse serve --runtime eliza} does (policy not included).
   */
  public static List<String> gatewaySettings(ManagedRuntime runtime) {
    return List.of(
        "upstream.url=" + runtime.baseUrl(),
        "upstream.apiKey=" + runtime.apiKey().revealUtf8(),
        "upstream.clientIdentity=workspace");
  }
}
