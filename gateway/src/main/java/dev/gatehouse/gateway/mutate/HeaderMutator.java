package dev.gatehouse.gateway.mutate;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the exact header set sent to the runtime: the client's headers minus everything a
 * client must not control, plus the headers only the gateway may set. Drops happen before
 * injection, so no client header can remove or shadow an injected one.
 *
 * <h3>Dropped, and the attack each stops</h3>
 * <ul>
 *   <li>Hop-by-hop headers ({@code Connection}, {@code Keep-Alive}, {@code Proxy-Connection},
 *       {@code Proxy-Authenticate}, {@code Proxy-Authorization}, {@code TE}, {@code Trailer},
 *       {@code Transfer-Encoding}, {@code Upgrade}) and every header <em>named</em> in
 *       {@code Connection}: a client listing {@code X-Api-Key} or {@code X-Forwarded-For} there
 *       cannot make a proxy delete the gateway's own headers (Traefik CVE-2021-32813,
 *       CVE-2024-45410), because ours are added afterwards.</li>
 *   <li>{@code Forwarded} and every {@code X-Forwarded-*}, plus other client-address headers
 *       ({@code X-Real-IP}, {@code True-Client-IP}, ...): rebuilt as a whole, never patched
 *       (Oathkeeper GHSA-vhr5-ggp3-qq85, Traefik CVE-2024-52003, CVE-2026-35051).</li>
 *   <li>Routing overrides ({@code X-Original-URL}, {@code X-Rewrite-URL},
 *       {@code X-HTTP-Method-Override}, {@code X-HTTP-Method}, {@code X-Method-Override}): they
 *       would make the runtime serve a path or method other than the one authorized.</li>
 *   <li>The internal namespace {@code X-Gatehouse-*}: only the gateway writes it (Envoy
 *       CVE-2023-27487 with {@code x-envoy-*}).</li>
 *   <li>{@code X-API-KEY}: the runtime's credential comes only from the gateway; a client
 *       cannot choose it or learn whether a guess works.</li>
 *   <li>{@code Authorization}: the caller's gateway token never reaches the runtime, so a
 *       runtime that logs or leaks headers cannot hand it to someone else.</li>
 *   <li>{@code Cookie}: the browser session cookie is the gateway's; no cookie reaches the
 *       runtime (elizaOS reads none).</li>
 *   <li>{@code X-Request-Id} and {@code Host}: the gateway's request id is authoritative; the
 *       proxy sets {@code Host} for the runtime.</li>
 *   <li>Any name with {@code _} (already refused by the canonicalizer; dropped again here).</li>
 * </ul>
 *
 * <h3>Injected</h3>
 * {@code X-Forwarded-For} (the client address decided by {@link TrustedProxies}, alone),
 * {@code X-Request-Id}, and for a WebSocket handshake {@code Connection: Upgrade} and
 * {@code Upgrade: websocket}. The runtime's own key ({@code X-API-KEY}) is set by the proxy once
 * it knows which runtime the exchange goes to.
 *
 * <p>Stateless and thread-safe.
 */
public final class HeaderMutator {

  /** Headers in this namespace are written by the gateway only. */
  public static final String INTERNAL_PREFIX = "x-gatehouse-";
  /** The header elizaOS reads its shared API key from. */
  public static final String RUNTIME_KEY_HEADER = "X-API-KEY";
  public static final String FORWARDED_FOR = "X-Forwarded-For";
  public static final String REQUEST_ID = "X-Request-Id";

  private static final Set<String> HOP_BY_HOP = Set.of(
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
      "te", "trailer", "transfer-encoding", "upgrade");

  private static final Set<String> GATEWAY_CONTROLLED = Set.of(
      "forwarded", "x-real-ip", "true-client-ip", "x-client-ip", "x-cluster-client-ip", "cf-connecting-ip",
      "x-original-url", "x-rewrite-url", "x-http-method-override", "x-http-method", "x-method-override",
      "x-api-key", "authorization", "cookie", "x-request-id", "host");

  /**
   * @param incoming the request headers as received (already passed the canonicalizer)
   * @param clientAddress from {@link TrustedProxies#clientAddress}
   * @param requestId the gateway's request id for this request
   * @param webSocket whether the request is proxied as a WebSocket handshake
   *     ({@code HttpServerRequest.canUpgradeToWebSocket()})
   * @return a new case-insensitive map: the complete header set to forward
   * @throws IllegalArgumentException if {@code clientAddress} or {@code requestId} holds a
   *     character that could break a header line
   */
  public MultiMap forwardHeaders(MultiMap incoming, String clientAddress, String requestId, boolean webSocket) {
    requireHeaderSafe(clientAddress, "client address");
    requireHeaderSafe(requestId, "request id");
    Set<String> connectionListed = connectionListed(incoming);
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> header : incoming) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!isDropped(name, connectionListed)) {
        out.add(header.getKey(), header.getValue());
      }
    }
    out.set(FORWARDED_FOR, clientAddress);
    out.set(REQUEST_ID, requestId);
    if (webSocket) {
      out.set("Connection", "Upgrade");
      out.set("Upgrade", "websocket");
    }
    return out;
  }

  private static boolean isDropped(String name, Set<String> connectionListed) {
    return HOP_BY_HOP.contains(name)
        || GATEWAY_CONTROLLED.contains(name)
        || name.startsWith("x-forwarded-")
        || name.startsWith(INTERNAL_PREFIX)
        || name.indexOf('_') >= 0
        || connectionListed.contains(name);
  }

  private static Set<String> connectionListed(MultiMap incoming) {
    Set<String> names = new HashSet<>();
    for (String value : incoming.getAll("Connection")) {
      for (String token : value.split(",", -1)) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    }
    return names;
  }

  private static void requireHeaderSafe(String value, String what) {
    if (value == null || !isVisibleAscii(value)) {
      throw new IllegalArgumentException(what + " is not a valid header value");
    }
  }

  private static boolean isVisibleAscii(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
