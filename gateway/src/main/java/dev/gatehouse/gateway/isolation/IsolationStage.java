package dev.gatehouse.gateway.isolation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.canonical.CanonicalRequest;
import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.ownership.OwnershipRegistry;
import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.policy.Isolation;
import dev.gatehouse.gateway.policy.RouteMatch;
import dev.gatehouse.gateway.proxy.ForwardPlan;
import dev.gatehouse.gateway.workspace.EntityIds;
import dev.gatehouse.secrets.format.CharacterSealer;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The workspace isolation stage: runs after authorization on routes with {@link Isolation}
 * rules and decides whether, and in what form, the request reaches the runtime.
 *
 * <h3>Order and outcomes</h3>
 * <ol>
 *   <li>path parameters: each must be owned by the caller's workspace (404
 *       {@code resource_not_owned});</li>
 *   <li>query: bound parameters owned (404 {@code query_resource_not_owned}); bracket forms of a
 *       bound or identity name ({@code roomId[]=...}), which the runtime's parser turns into
 *       arrays, refused (400 {@code query_form_refused}); identity parameters replaced by the
 *       caller's entity id;</li>
 *   <li>JSON body, read up to {@link #MAX_INSPECTED_BODY} or {@code server.maxBodySize}, whichever
 *       is smaller (413 {@code body_too_large}), one JSON
 *       object without duplicate keys (400 {@code body_not_json}): refused fields (403
 *       {@code field_refused}), required fields (400 {@code field_missing}), identity fields
 *       overwritten, fill fields defaulted to the workspace's message server, bound fields owned
 *       (404 {@code body_resource_not_owned}; non-string ids 400 {@code field_invalid}),
 *       plugin lists on the allowlist (400 {@code plugin_not_allowed}; not a list of names 400
 *       {@code field_invalid}), characters prepared ({@link CharacterDeployment}).</li>
 * </ol>
 * A dependency failure (database, runtime, key provider) is a failed future: the caller denies
 * with 503. A request that passes gets a {@link ForwardPlan} whose response transformer is a
 * {@link ResponseFilter}.
 */
public final class IsolationStage {

  /** Largest request body the gateway reads to inspect: 2 MiB, the runtime's own JSON limit. */
  public static final long MAX_INSPECTED_BODY = 2L * 1024 * 1024;
  /** The runtime parser's parameter limit (qs {@code parameterLimit}). */
  static final int MAX_QUERY_PARAMETERS = 1000;

  /** The result of {@link #check}. */
  public sealed interface Outcome {
    /** Resource ids the stage checked, for the audit event (names match the audit schema). */
    Map<String, String> bound();
  }

  /** Forward {@code target} (canonical, possibly with identity query values replaced) under {@code plan}. */
  public record Forward(String target, ForwardPlan plan, Map<String, String> bound) implements Outcome {}

  /** Refused: {@code error} for the client, {@code reason} for the audit trail. */
  public record Refused(ErrorBody error, String reason, Map<String, String> bound) implements Outcome {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final OwnershipRegistry registry;
  private final CharacterDeployment characters;
  private final long maxBody;
  private final Set<String> plugins;
  private final ProviderSecretSwap providerSecrets;

  /** Whether a workspace's runtime already holds an agent under an id (a failed future: cannot tell). */
  @FunctionalInterface
  public interface RuntimeAgentLookup {
    Future<Boolean> has(String workspace, String agentId);
  }

  /**
   * @param maxBodySize {@code server.maxBodySize}: no body over it is read, even below the inspection cap
   * @param plugins the plugin allowlist ({@code runtime.plugins}): npm package names
   * @param runtimeAgents asked before a sealed character claims an id nobody owns
   * @param providerSecrets applied to every character deployed, and to every change of an agent's
   *     character ({@code {agentId}} in the path) on a route whose body may carry secrets
   */
  public IsolationStage(Vertx vertx, OwnershipRegistry registry, CharacterSealer sealer, long maxBodySize,
      Set<String> plugins, RuntimeAgentLookup runtimeAgents, ProviderSecretSwap providerSecrets) {
    this.registry = registry;
    this.maxBody = Math.min(MAX_INSPECTED_BODY, maxBodySize);
    this.characters = new CharacterDeployment(vertx, sealer, registry, runtimeAgents);
    this.plugins = Set.copyOf(plugins);
    this.providerSecrets = providerSecrets;
  }

  /**
   * Checks one request. The request must be paused; when the route inspects the body, this
   * stage consumes it and the plan carries the body to send.
   */
  public Future<Outcome> check(Principal principal, Isolation rules, RouteMatch match, CanonicalRequest target,
      HttpServerRequest request) {
    Caller caller = new Caller(principal.workspace(), EntityIds.of(principal.workspace(), principal.subject()).toString(),
        principal.hasScope(Isolation.Body.SECRETS_SCOPE));
    AuditIds bound = new AuditIds(match.params().size());
    return checkPath(caller, rules, match)
        .compose(v -> checkQuery(caller, rules, target, bound))
        .compose(forwardTarget -> body(caller, rules, request, bound,
                Optional.ofNullable(match.params().get("agentId")).map(QueryStringDecoder::decodeComponent))
            .map(body -> (Outcome) new Forward(forwardTarget,
                new ForwardPlan(body, new ResponseFilter(registry, caller.workspace(), caller.entity(), rules.response()),
                    !rules.response().lists().isEmpty() || !rules.response().record().isEmpty()),
                bound.values())))
        .recover(failure -> failure instanceof Refusal refusal
            ? Future.succeededFuture(new Refused(refusal.error(), refusal.reason(), bound.values()))
            : Future.failedFuture(failure));
  }

  /** Who asks: workspace, entity id, and whether the token may write character secrets. */
  record Caller(String workspace, String entity, boolean writesSecrets) {}

  private Future<Void> checkPath(Caller caller, Isolation rules, RouteMatch match) {
    List<Future<Void>> checks = new ArrayList<>();
    for (Map.Entry<String, Set<ResourceKind>> binding : rules.path().entrySet()) {
      String value = QueryStringDecoder.decodeComponent(match.params().get(binding.getKey()));
      checks.add(requireOwned(caller, binding.getValue(), value, "resource_not_owned"));
    }
    return Future.all(checks).mapEmpty();
  }

  private Future<String> checkQuery(Caller caller, Isolation rules, CanonicalRequest target, AuditIds bound) {
    if (rules.query().isEmpty() && rules.queryIdentity().isEmpty()) {
      return Future.succeededFuture(target.forwardTarget());
    }
    Map<String, List<String>> params = new QueryStringDecoder("/?" + target.query(), StandardCharsets.UTF_8, true,
        MAX_QUERY_PARAMETERS, true).parameters();
    for (String name : params.keySet()) {
      int bracket = name.indexOf('[');
      String base = bracket < 0 ? name : name.substring(0, bracket);
      if (bracket >= 0 && (rules.query().containsKey(base) || rules.queryIdentity().contains(base))) {
        return Future.failedFuture(Refusal.badRequest("query_form_refused"));
      }
    }
    List<Future<Void>> checks = new ArrayList<>();
    for (Map.Entry<String, Set<ResourceKind>> binding : rules.query().entrySet()) {
      for (String value : params.getOrDefault(binding.getKey(), List.of())) {
        bound.put("query_" + binding.getKey(), value);
        checks.add(requireOwned(caller, binding.getValue(), value, "query_resource_not_owned"));
      }
    }
    return Future.all(checks).map(v -> {
      if (rules.queryIdentity().isEmpty()) {
        return target.forwardTarget();
      }
      QueryStringEncoder encoder = new QueryStringEncoder(target.path());
      params.forEach((name, values) -> {
        if (!rules.queryIdentity().contains(name)) {
          values.forEach(value -> encoder.addParam(name, value));
        }
      });
      rules.queryIdentity().forEach(name -> encoder.addParam(name, caller.entity()));
      return encoder.toString();
    });
  }

  private Future<Optional<Buffer>> body(Caller caller, Isolation rules, HttpServerRequest request, AuditIds bound,
      Optional<String> pathAgent) {
    if (rules.body().isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    Isolation.Body body = rules.body().get();
    return read(request).compose(bytes -> {
      ObjectNode json;
      try {
        JsonNode parsed = bytes.length() == 0 ? JSON.createObjectNode() : JSON.readTree(bytes.getBytes());
        if (!(parsed instanceof ObjectNode object) || !isJson(request)) {
          return Future.failedFuture(Refusal.badRequest("body_not_json"));
        }
        json = object;
      } catch (IOException e) {
        return Future.failedFuture(Refusal.badRequest("body_not_json"));
      }
      boolean creating = request.method() == HttpMethod.POST;
      return rewrite(caller, body, json, bound, creating)
          .compose(rewritten -> creating || pathAgent.isEmpty() ? Future.succeededFuture(rewritten)
              : changeProviderSecrets(caller, body, rewritten, pathAgent.get()))
          .map(rewritten -> Optional.of(Buffer.buffer(writeBytes(rewritten))));
    });
  }

  private static boolean isJson(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return type == null || type.toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  /** {@code creating}: the body makes a new resource (nothing of it exists to clear). */
  private Future<ObjectNode> rewrite(Caller caller, Isolation.Body rules, ObjectNode json, AuditIds bound,
      boolean creating) {
    for (JsonPointer refused : rules.refuse()) {
      if (!json.at(refused).isMissingNode()) {
        return Future.failedFuture(Refusal.forbidden("field_refused"));
      }
    }
    for (JsonPointer required : rules.require()) {
      if (json.at(required).isMissingNode() || json.at(required).isNull()) {
        return Future.failedFuture(Refusal.badRequest("field_missing"));
      }
    }
    for (JsonPointer list : rules.plugins()) {
      Optional<Refusal> refused = checkPlugins(json.at(list));
      if (refused.isPresent()) {
        return Future.failedFuture(refused.get());
      }
    }
    if (!caller.writesSecrets() && rules.secrets().stream().anyMatch(p -> touchesSecrets(json.at(p), creating))) {
      return Future.failedFuture(Refusal.forbidden("secrets_scope_required"));
    }
    for (JsonPointer identity : rules.identity()) {
      set(json, identity, caller.entity());
    }
    Future<Void> identityRecorded = rules.identity().isEmpty() ? Future.succeededFuture()
        : recordEntity(caller);
    return identityRecorded
        .compose(v -> Attachments.allowed(json, (kind, id) -> registry.owns(caller.workspace(), kind, id)))
        .compose(allowed -> allowed ? Future.succeededFuture()
            : Future.<Void>failedFuture(Refusal.badRequest(Attachments.REFUSED)))
        .compose(v -> fill(caller, rules, json))
        .compose(v -> {
          List<Future<Void>> checks = new ArrayList<>();
          for (Map.Entry<JsonPointer, Set<ResourceKind>> binding : rules.bind().entrySet()) {
            JsonNode value = json.at(binding.getKey());
            if (value.isMissingNode() || value.isNull()) {
              continue;
            }
            List<JsonNode> ids = new ArrayList<>();
            if (value.isArray()) {
              value.forEach(ids::add);
            } else {
              ids.add(value);
            }
            for (JsonNode id : ids) {
              if (!id.isTextual()) {
                return Future.failedFuture(Refusal.badRequest("field_invalid"));
              }
              bound.put("body" + binding.getKey().toString().replace('/', '_'), id.asText());
              checks.add(requireOwned(caller, binding.getValue(), id.asText(), "body_resource_not_owned"));
            }
          }
          return Future.all(checks).mapEmpty();
        })
        .compose(v -> characters(caller, rules, json, bound));
  }

  /**
   * Whether a change to a character sets or clears secrets: it names {@code secrets} or
   * {@code settings.secrets} (any value, null included), or sets {@code settings} to null (a
   * change that deletes every setting, the secrets with them). A new character ({@code creating})
   * has nothing to clear: only a secret it sets counts, so the empty {@code settings.secrets}
   * the elizaOS client's templates carry needs no {@code secrets:write}.
   */
  static boolean touchesSecrets(JsonNode character, boolean creating) {
    JsonNode settings = character.path("settings");
    if (creating) {
      return setsAny(character.path("secrets")) || setsAny(settings.path("secrets"));
    }
    return character.has("secrets") || settings.isNull() || settings.has("secrets");
  }

  private static boolean setsAny(JsonNode secrets) {
    return !(secrets.isMissingNode() || secrets.isNull() || secrets.isObject() && secrets.isEmpty());
  }

  /** A list of plugin names must name allowed plugins only; an absent or null list names none. */
  private Optional<Refusal> checkPlugins(JsonNode list) {
    if (list.isMissingNode() || list.isNull()) {
      return Optional.empty();
    }
    if (!list.isArray()) {
      return Optional.of(Refusal.badRequest("field_invalid"));
    }
    for (JsonNode plugin : list) {
      if (!plugin.isTextual()) {
        return Optional.of(Refusal.badRequest("field_invalid"));
      }
      if (!plugins.contains(plugin.asText())) {
        return Optional.of(Refusal.badRequest("plugin_not_allowed"));
      }
    }
    return Optional.empty();
  }

  private Future<Void> fill(Caller caller, Isolation.Body rules, ObjectNode json) {
    List<JsonPointer> missing = rules.fill().stream().filter(p -> json.at(p).isMissingNode() || json.at(p).isNull())
        .toList();
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    missing.forEach(pointer -> set(json, pointer, OwnershipRegistry.RUNTIME_MESSAGE_SERVER));
    return Future.succeededFuture();
  }

  private Future<ObjectNode> characters(Caller caller, Isolation.Body rules, ObjectNode json, AuditIds bound) {
    Future<Void> chain = Future.succeededFuture();
    for (JsonPointer pointer : rules.character()) {
      chain = chain.compose(v -> {
        JsonNode character = json.at(pointer);
        if (character.isMissingNode()) {
          return Future.succeededFuture();
        }
        return characters.prepare(caller.workspace(), character)
            .compose(prepared -> providerSecrets.apply(caller.workspace(), prepared.agentId(), prepared.character(), true)
                .map(prepared))
            .map(prepared -> {
              replace(json, pointer, prepared.character());
              bound.put("agentId", prepared.agentId());
              return null;
            });
      });
    }
    return chain.map(json);
  }

  /** A change of agent {@code agentId}: each secrets-bearing part of it passes the provider secret swap. */
  private Future<ObjectNode> changeProviderSecrets(Caller caller, Isolation.Body rules, ObjectNode json, String agentId) {
    Future<Void> chain = Future.succeededFuture();
    for (JsonPointer pointer : rules.secrets()) {
      if (json.at(pointer) instanceof ObjectNode character) {
        chain = chain.compose(v -> providerSecrets.apply(caller.workspace(), agentId, character, false));
      }
    }
    return chain.map(json);
  }

  private Future<Void> recordEntity(Caller caller) {
    return registry.owns(caller.workspace(), ResourceKind.ENTITY, caller.entity())
        .compose(owned -> owned ? Future.succeededFuture()
            : registry.claim(caller.workspace(), ResourceKind.ENTITY, caller.entity()).mapEmpty());
  }

  /** Succeeds when {@code id} is owned by the caller as one of {@code kinds}; otherwise a 404 refusal. */
  private Future<Void> requireOwned(Caller caller, Set<ResourceKind> kinds, String id, String reason) {
    return Ownership.ownedAsAny(registry, caller.workspace(), caller.entity(), kinds, id)
        .compose(owned -> owned ? Future.succeededFuture() : Future.failedFuture(Refusal.notFound(reason)));
  }

  private Future<Buffer> read(HttpServerRequest request) {
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > maxBody) {
          return Future.failedFuture(Refusal.tooLarge("body_too_large"));
        }
      } catch (NumberFormatException e) {
        return Future.failedFuture(Refusal.badRequest("body_not_json"));
      }
    }
    Promise<Buffer> done = Promise.promise();
    Buffer all = Buffer.buffer();
    request.handler(chunk -> {
      if (all.length() + chunk.length() > maxBody) {
        done.tryFail(Refusal.tooLarge("body_too_large"));
      } else if (!done.future().isComplete()) {
        all.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(done::tryFail);
    request.endHandler(v -> done.tryComplete(all));
    request.resume();
    return done.future();
  }

  /** Sets a field, creating the parent objects of a nested pointer when absent. */
  private static void set(ObjectNode root, JsonPointer pointer, String value) {
    ObjectNode parent = root;
    JsonPointer rest = pointer;
    while (!rest.tail().matches()) {
      String name = rest.getMatchingProperty();
      JsonNode child = parent.get(name);
      if (!(child instanceof ObjectNode)) {
        child = parent.putObject(name);
      }
      parent = (ObjectNode) child;
      rest = rest.tail();
    }
    parent.put(rest.getMatchingProperty(), value);
  }

  private static void replace(ObjectNode root, JsonPointer pointer, JsonNode value) {
    JsonNode parent = root.at(pointer.head());
    if (parent instanceof ObjectNode object) {
      object.set(pointer.last().getMatchingProperty(), value);
    } else if (parent instanceof ArrayNode array) {
      array.set(pointer.last().getMatchingIndex(), value);
    }
  }

  private static byte[] writeBytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a parsed JSON tree always serializes", e);
    }
  }

  /**
   * Resource ids for the audit event, within the schema's name pattern, length and count: the
   * first value of each field (an array's first element), path parameters counted first.
   */
  static final class AuditIds {
    private static final int MAX = AuditEvent.MAX_RESOURCE_IDS;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final int reserved;

    AuditIds(int reserved) {
      this.reserved = reserved;
    }

    synchronized void put(String name, String value) {
      String clean = name.replaceAll("[^A-Za-z0-9_]", "_");
      if (clean.length() <= 64 && !value.isEmpty() && value.length() <= Ownership.MAX_ID_LENGTH
          && values.size() + reserved < MAX) {
        values.putIfAbsent(clean, value);
      }
    }

    synchronized Map<String, String> values() {
      return Map.copyOf(values);
    }
  }
}
