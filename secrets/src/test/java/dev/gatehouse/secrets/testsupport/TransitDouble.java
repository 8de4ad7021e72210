package dev.gatehouse.secrets.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.crypto.AesGcm;
import dev.gatehouse.secrets.crypto.Hkdf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Contract double of Vault/OpenBao Transit and the token/AppRole auth endpoints, following the
 * documented API: paths under {@code /v1/}, {@code X-Vault-Token} and {@code X-Vault-Namespace}
 * headers, {@code batch_input} / {@code batch_results}, derived keys (HKDF-SHA256 of the version
 * key with {@code context} as info, as Vault's KDF 1), {@code vault:vN:} ciphertexts with
 * nonce ‖ ciphertext ‖ tag, {@code {"errors":[...]}} bodies, 400 for user errors in a batch
 * (with the {@code batch_results} still in {@code data}), 403 for a bad token, 404 for unknown
 * paths. Failures can be scripted per request, and every request is recorded.
 */
public final class TransitDouble implements AutoCloseable {

    /** One request as the double saw it. */
    public record Request(String method, String path, String namespace, boolean hadToken, String body) {
    }

    private record Token(long expiresAtMillis, boolean renewable, long ttlSeconds) {
    }

    private record Failure(int status, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TRANSIT = Pattern.compile("^/v1/(.+)/(encrypt|decrypt|rewrap)/([^/]+)$");
    private static final Pattern VAULT_CIPHERTEXT = Pattern.compile("^vault:v(\\d+):(.*)$");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final String mount;
    private final Map<String, List<byte[]>> keys = new ConcurrentHashMap<>();
    private final Map<String, Integer> minDecryptionVersion = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> appRoles = new ConcurrentHashMap<>();
    private final Map<String, Long> appRoleTtl = new ConcurrentHashMap<>();
    private final Deque<Failure> scripted = new ArrayDeque<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile long nowMillis = 1_700_000_000_000L;

    public TransitDouble(String mount) throws IOException {
        this.mount = mount;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI address() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Creates an aes256-gcm96 key with derived=true at version 1. */
    public void createDerivedKey(String name) {
        List<byte[]> versions = new CopyOnWriteArrayList<>();
        versions.add(AesGcm.randomBytes(32));
        keys.put(name, versions);
        minDecryptionVersion.put(name, 1);
    }

    /** {@code POST transit/keys/:name/rotate}. */
    public void rotateKey(String name) {
        keys.get(name).add(AesGcm.randomBytes(32));
    }

    /** {@code POST transit/keys/:name/config min_decryption_version}. */
    public void setMinDecryptionVersion(String name, int version) {
        minDecryptionVersion.put(name, version);
    }

    /** Issues a token with the given TTL (0 = never expires). */
    public String issueToken(long ttlSeconds, boolean renewable) {
        String token = "hvs." + UUID.randomUUID().toString().replace("-", "");
        tokens.put(token, new Token(ttlSeconds == 0 ? Long.MAX_VALUE : nowMillis + ttlSeconds * 1000, renewable, ttlSeconds));
        return token;
    }

    /** Registers an AppRole whose logins yield tokens of {@code ttlSeconds}. */
    public void addAppRole(String roleId, String secretId, long ttlSeconds) {
        appRoles.put(roleId, secretId);
        appRoleTtl.put(roleId, ttlSeconds);
    }

    /** Revokes every token issued so far (as {@code vault token revoke} would). */
    public void revokeAllTokens() {
        tokens.clear();
    }

    /** The next {@code count} Transit requests answer {@code status} with a Vault error body. */
    public synchronized void failNext(int count, int status) {
        for (int i = 0; i < count; i++) {
            scripted.add(new Failure(status, "{\"errors\":[\"" + reason(status) + "\"]}"));
        }
    }

    /** Advances the double's clock (token expiry). */
    public void advanceSeconds(long seconds) {
        nowMillis += seconds * 1000;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Number of requests whose path contains {@code fragment}. */
    public long count(String fragment) {
        return requests.stream().filter(r -> r.path().contains(fragment)).count();
    }

    public void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("X-Vault-Namespace"),
                    token != null, body));
            Reply reply = route(exchange.getRequestMethod(), path, token, body);
            byte[] bytes = reply.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    private record Reply(int status, String body) {
    }

    private Reply route(String method, String path, String token, String body) throws IOException {
        if (path.equals("/v1/auth/token/lookup-self") && method.equals("GET")) {
            Token t = validToken(token);
            if (t == null) {
                return error(403, "permission denied");
            }
            long ttl = t.expiresAtMillis == Long.MAX_VALUE ? 0 : (t.expiresAtMillis - nowMillis) / 1000;
            return new Reply(200, "{\"data\":{\"id\":\"" + token + "\",\"ttl\":" + ttl + ",\"renewable\":" + t.renewable
                    + ",\"policies\":[\"gatehouse\"]}}");
        }
        if (path.equals("/v1/auth/token/renew-self") && method.equals("POST")) {
            Token t = validToken(token);
            if (t == null) {
                return error(403, "permission denied");
            }
            if (!t.renewable) {
                return error(400, "lease is not renewable");
            }
            tokens.put(token, new Token(nowMillis + t.ttlSeconds * 1000, true, t.ttlSeconds));
            return authReply(token, t.ttlSeconds);
        }
        Matcher login = Pattern.compile("^/v1/auth/([^/]+)/login$").matcher(path);
        if (login.matches() && method.equals("POST")) {
            JsonNode credentials = JSON.readTree(body);
            String roleId = credentials.path("role_id").asText();
            String expected = appRoles.get(roleId);
            if (expected == null || !expected.equals(credentials.path("secret_id").asText())) {
                return error(400, "invalid role or secret ID");
            }
            long ttl = appRoleTtl.get(roleId);
            String issued = issueToken(ttl, true);
            return authReply(issued, ttl);
        }
        Matcher transit = TRANSIT.matcher(path);
        if (!transit.matches() || !transit.group(1).equals(mount)) {
            return error(404, "no handler for route \"" + path.substring(Math.min(path.length(), 4)) + "\"");
        }
        if (!method.equals("POST") && !method.equals("PUT")) {
            return error(405, "unsupported operation");
        }
        if (validToken(token) == null) {
            return error(403, "permission denied");
        }
        synchronized (this) {
            Failure failure = scripted.poll();
            if (failure != null) {
                return new Reply(failure.status, failure.body);
            }
        }
        return transit(transit.group(2), transit.group(3), JSON.readTree(body));
    }

    private Reply transit(String operation, String keyName, JsonNode request) {
        List<byte[]> versions = keys.get(keyName);
        if (versions == null) {
            return error(400, "encryption key not found");
        }
        JsonNode batch = request.get("batch_input");
        if (batch == null || !batch.isArray() || batch.isEmpty()) {
            return error(400, "missing batch input to process");
        }
        ArrayNode results = JSON.createArrayNode();
        boolean userError = false;
        for (JsonNode item : batch) {
            ObjectNode result = results.addObject();
            String failure = item.hasNonNull("context") ? null
                    : "missing 'context' for key derivation; the key was created using a derived key, which means additional,"
                            + " per-request information must be included in order to perform operations with the key";
            if (failure == null) {
                failure = transitItem(operation, keyName, versions, item, result);
            }
            if (failure != null) {
                result.removeAll();
                result.put("error", failure);
                userError = true;
            }
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("request_id", UUID.randomUUID().toString()).put("lease_id", "").put("renewable", false).put("lease_duration", 0);
        response.putObject("data").set("batch_results", results);
        response.putNull("wrap_info");
        response.putNull("warnings");
        response.putNull("auth");
        return new Reply(userError ? 400 : 200, response.toString());
    }

    private String transitItem(String operation, String keyName, List<byte[]> versions, JsonNode item, ObjectNode result) {
        byte[] context;
        try {
            context = Base64.getDecoder().decode(item.get("context").asText());
        } catch (IllegalArgumentException e) {
            return "failed to base64-decode context";
        }
        byte[] plaintext;
        if (operation.equals("encrypt")) {
            try {
                plaintext = Base64.getDecoder().decode(item.path("plaintext").asText());
            } catch (IllegalArgumentException e) {
                return "failed to base64-decode plaintext";
            }
        } else {
            Matcher ciphertext = VAULT_CIPHERTEXT.matcher(item.path("ciphertext").asText());
            if (!ciphertext.matches()) {
                return "invalid ciphertext: no prefix";
            }
            int version = Integer.parseInt(ciphertext.group(1));
            if (version > versions.size()) {
                return "invalid ciphertext: version is too new";
            }
            if (version < minDecryptionVersion.get(keyName)) {
                return "ciphertext or signature version is disallowed by policy (too old)";
            }
            try {
                byte[] raw = Base64.getDecoder().decode(ciphertext.group(2));
                plaintext = AesGcm.open(derived(versions.get(Math.max(version, 1) - 1), context), raw, new byte[0]);
            } catch (IllegalArgumentException e) {
                return "invalid ciphertext: could not decode ciphertext";
            } catch (DecryptionFailedException e) {
                return "cipher: message authentication failed";
            }
        }
        if (operation.equals("decrypt")) {
            result.put("plaintext", Base64.getEncoder().encodeToString(plaintext));
            return null;
        }
        int latest = versions.size();
        byte[] sealed = AesGcm.seal(derived(versions.get(latest - 1), context), plaintext, new byte[0]);
        result.put("ciphertext", "vault:v" + latest + ":" + Base64.getEncoder().encodeToString(sealed));
        result.put("key_version", latest);
        return null;
    }

    private static byte[] derived(byte[] versionKey, byte[] context) {
        return Hkdf.derive(versionKey, null, context, 32);
    }

    private Token validToken(String token) {
        Token t = token == null ? null : tokens.get(token);
        return t == null || t.expiresAtMillis <= nowMillis ? null : t;
    }

    private static Reply authReply(String token, long ttl) {
        return new Reply(200, "{\"request_id\":\"" + UUID.randomUUID() + "\",\"lease_id\":\"\",\"renewable\":false,"
                + "\"lease_duration\":0,\"data\":null,\"wrap_info\":null,\"warnings\":null,\"auth\":{\"client_token\":\""
                + token + "\",\"accessor\":\"acc\",\"policies\":[\"gatehouse\"],\"lease_duration\":" + ttl
                + ",\"renewable\":true}}");
    }

    private static Reply error(int status, String message) {
        return new Reply(status, "{\"errors\":[\"" + message + "\"]}");
    }

    private static String reason(int status) {
        switch (status) {
            case 400: return "invalid request";
            case 403: return "permission denied";
            case 412: return "required index state not present";
            case 429: return "request path \\\"transit/\\\": rate limit quota exceeded";
            case 500: return "internal error";
            case 502: return "upstream error";
            case 503: return "Vault is sealed";
            default: return "error";
        }
    }

    /** Request bodies seen so far, for leak checks. */
    public List<String> bodies() {
        List<String> out = new ArrayList<>();
        requests.forEach(r -> out.add(r.body()));
        return out;
    }
}
