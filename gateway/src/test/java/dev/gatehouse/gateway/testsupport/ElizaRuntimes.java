package dev.gatehouse.gateway.testsupport;

import dev.gatehouse.gateway.runtime.ManagedRuntime;
import dev.gatehouse.gateway.runtime.RuntimePackages;
import dev.gatehouse.secrets.SecretValue;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real elizaOS runtime for tests, with the shipped plugin allowlist (the message loop and the
 * OpenAI plugin) pointed at the JVM's {@link StandInModel}, so its agents answer. Installed on
 * first use into the shared cache ({@link ManagedRuntime#defaultCacheDir}, so later runs and
 * other modules reuse it).
 *
 * <p>{@link #shared()} is one runtime per test JVM, started once and stopped when the JVM exits;
 * tests share it, so they must not stop it and should use their own workspaces and agent names.
 * {@link #dedicatedSettings()} and {@link #environment()} configure a gateway that runs one
 * runtime per workspace itself.
 */
public final class ElizaRuntimes {

  /** The shipped default route policy, which fronts elizaOS. */
  public static final Path DEFAULT_POLICY = Path.of("src", "main", "resources", "policies", "elizaos-1.7.yaml");
  /** The plugins every test agent lists: the message loop, the database and the model. */
  public static final List<String> PLUGINS = List.of("@elizaos/plugin-sql", "@elizaos/plugin-bootstrap",
      "@elizaos/plugin-openai");

  private static final Vertx VERTX = Vertx.vertx();
  private static StandInModel model;
  private static Path installDir;
  private static ManagedRuntime shared;

  private ElizaRuntimes() {}

  /** The JVM's stand-in model, started on first use. */
  public static synchronized StandInModel model() throws Exception {
    if (model == null) {
      model = new StandInModel();
    }
    return model;
  }

  /** The shipped runtime and plugins, installed into the shared cache on first use. */
  public static synchronized Path installDir() throws Exception {
    if (installDir == null) {
      installDir = Await.result(ManagedRuntime.install(VERTX, ManagedRuntime.defaultCacheDir(System.getenv()),
          RuntimePackages.shipped()), Duration.ofMinutes(20));
    }
    return installDir;
  }

  /** The variables that point a runtime's model plugin at the stand-in model. */
  public static Map<String, String> environment() throws Exception {
    return Map.of("OPENAI_BASE_URL", model().baseUrl(), "OPENAI_API_KEY", StandInModel.API_KEY,
        "OPENAI_SMALL_MODEL", "stand-in-small", "OPENAI_LARGE_MODEL", "stand-in-large");
  }

  /** The JVM's shared runtime; the first call installs (if not cached) and starts it. */
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
    Map<String, SecretValue> env = new HashMap<>();
    environment().forEach((name, value) -> env.put(name, SecretValue.ofUtf8(value)));
    return Await.result(ManagedRuntime.start(VERTX, new ManagedRuntime.Options(installDir(), dataDir,
        ManagedRuntime.DEFAULT_START_TIMEOUT, ManagedRuntime.DEFAULT_HEAP_LIMIT_MIB, "test", env)),
        Duration.ofMinutes(5));
  }

  /**
   * Settings for {@link TestGateways#start} or {@link GatewayFixture#start} that front
   * {@code runtime} as {@code gatehouse serve --runtime eliza --isolation shared} does (policy not
   * included).
   */
  public static List<String> gatewaySettings(ManagedRuntime runtime) {
    return List.of(
        "upstream.url=" + runtime.target().url(),
        "upstream.apiKey=" + runtime.target().apiKey().orElseThrow(),
        "upstream.clientIdentity=workspace");
  }

  /**
   * Settings for a gateway that runs one runtime per workspace, as {@code gatehouse serve
   * --runtime eliza} does, from the shared install (policy not included; pass
   * {@link #environment()} to the configuration so the runtimes reach the stand-in model).
   */
  public static List<String> dedicatedSettings() throws Exception {
    installDir();
    return List.of(
        "runtime.managed=eliza",
        "runtime.cacheDir=" + ManagedRuntime.defaultCacheDir(System.getenv()));
  }

  /** The character of a test agent that answers: the allowlisted plugins and a name of its own. */
  public static JsonObject character(String name) {
    return new JsonObject().put("name", name).put("bio", "A test agent of " + name + ".")
        .put("plugins", new JsonArray(new ArrayList<>(PLUGINS)));
  }
}
