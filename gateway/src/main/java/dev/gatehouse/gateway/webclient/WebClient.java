package dev.gatehouse.gateway.webclient;

import dev.gatehouse.gateway.policy.RouteMatch;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The elizaOS web client, served by the gateway from the pinned runtime's own files (its
 * {@code dist/client}), unmodified: the runtime's own UI stays off.
 *
 * <ul>
 *   <li><b>Files</b> ({@code GET}/{@code HEAD} of a file of the client, source maps excepted) are
 *       public: scripts, styles and images hold nothing of anyone's (route {@value #FILE_ID}).</li>
 *   <li><b>Pages</b>: any other {@code GET}/{@code HEAD} asking for HTML whose path no route of
 *       the policy claims and which is not under {@code /api/} is one of the single-page app's
 *       screens (route {@value #PAGE_ID}). It needs a signed-in caller; without one the browser
 *       is sent to {@code /login}, back here afterwards. The page is the client's
 *       {@code index.html} with one inline script first, which stores the caller's entity id
 *       where the client keeps its user id ({@value #ENTITY_KEY}), so the client speaks as the
 *       caller from its first request.</li>
 * </ul>
 * Every answer carries a strict Content-Security-Policy: only this origin's scripts (and the
 * seeding script, by its hash; no other inline script), no frames, no plugins, connections to
 * this origin only (the client's calls to third-party sites are refused by the browser). It
 * allows {@code 'unsafe-eval'}: the 1.7 client's logger compiles its redaction paths with
 * {@code Function}, and without it the app does not start; what may be evaluated still comes
 * only from this origin's scripts.
 */
public final class WebClient {

  public static final String FILE_ID = "web-client-file";
  public static final String PAGE_ID = "web-client-page";
  public static final RouteMatch FILE_ROUTE = new RouteMatch(FILE_ID, "/{file}", Map.of());
  public static final RouteMatch PAGE_ROUTE = new RouteMatch(PAGE_ID, "/{page}", Map.of());
  /** Where the elizaOS 1.7 client keeps the id it speaks as (its {@code lib/utils.ts}). */
  public static final String ENTITY_KEY = "elizaos-client-user-id";
  /** Where a runtime install keeps the client, relative to the install directory. */
  public static final Path CLIENT_IN_INSTALL = Path.of("node_modules", "@elizaos", "server", "dist", "client");

  private static final String INDEX = "/index.html";
  private static final String POLICY = "default-src 'self'; script-src 'self' 'unsafe-eval'%s; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' blob:; connect-src 'self'; "
      + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"),
      Map.entry("webp", "image/webp"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff", "font/woff"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("txt", "text/plain; charset=utf-8"));

  private final Map<String, Path> files;
  private final String index;

  private WebClient(Map<String, Path> files, String index) {
    this.files = files;
    this.index = index;
  }

  /**
   * The client in {@code dir}: every regular file below it, read once now (a client changes only
   * with the runtime version, which restarts the gateway).
   *
   * @throws UncheckedIOException when {@code dir} holds no {@code index.html} or cannot be read
   */
  public static WebClient open(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    try (Stream<Path> walk = Files.walk(root)) {
      Map<String, Path> files = walk.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().endsWith(".map"))
          .collect(Collectors.toUnmodifiableMap(p -> "/" + root.relativize(p).toString().replace('\\', '/'), p -> p));
      Path index = files.get(INDEX);
      if (index == null) {
        throw new UncheckedIOException(new IOException("no index.html in the web client directory " + root));
      }
      return new WebClient(files, Files.readString(index, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the web client directory " + root, e);
    }
  }

  /** Whether the request asks for one of the client's files ({@code index.html} is a page). */
  public boolean isFile(HttpMethod method, String path) {
    return (method == HttpMethod.GET || method == HttpMethod.HEAD) && !INDEX.equals(path) && files.containsKey(path);
  }

  /**
   * Whether the request is for one of the app's screens, given that no route of the policy
   * claims its path.
   */
  public boolean isPage(HttpServerRequest request, String path) {
    if (!(request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)
        || path.startsWith("/api/") || path.equals("/api") || files.containsKey(path) && !INDEX.equals(path)) {
      return false;
    }
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/html");
  }

  /** Sends one of the client's files. */
  public Future<Void> sendFile(HttpServerResponse response, String path) {
    Path file = files.get(path);
    secure(response, "")
        .putHeader(HttpHeaders.CONTENT_TYPE, type(file))
        // Names under /assets/ carry a content hash: they never change.
        .putHeader(HttpHeaders.CACHE_CONTROL, path.startsWith("/assets/") ? "public, max-age=31536000, immutable"
            : "no-cache");
    return response.sendFile(file.toString());
  }

  /** Sends the app's page to the caller whose entity id is {@code entity}. */
  public Future<Void> sendPage(HttpServerResponse response, UUID entity) {
    String seed = "localStorage.setItem(\"" + ENTITY_KEY + "\",\"" + entity + "\");";
    String page = withSeed(seed);
    secure(response, " 'sha256-" + sha256(seed) + "'")
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    return response.end(page);
  }

  /** {@code index.html} with the seeding script as the first thing in its head. */
  private String withSeed(String seed) {
    String script = "<script>" + seed + "</script>";
    int head = index.indexOf("<head>");
    return head < 0 ? script + index : index.substring(0, head + 6) + script + index.substring(head + 6);
  }

  private static HttpServerResponse secure(HttpServerResponse response, String scriptHashes) {
    return response
        .putHeader("Content-Security-Policy", POLICY.formatted(scriptHashes))
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("Cross-Origin-Resource-Policy", "same-origin")
        .putHeader("X-Frame-Options", "DENY");
  }

  private static String type(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(extension, "application/octet-stream");
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "WebClient[" + files.size() + " files]";
  }
}
