package dev.gatehouse.gateway.isolation;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.ownership.OwnershipRegistry;
import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.policy.Isolation;
import dev.gatehouse.gateway.proxy.ForwardPlan;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The response policy of one exchange, applied to the runtime's buffered JSON answer.
 *
 * <ul>
 *   <li>Every property named {@value #SECRETS} is removed, at any depth, from every JSON answer
 *       (character {@code settings.secrets} and {@code secrets}, whatever route carries them).</li>
 *   <li>On a 2xx answer: {@code remove} fields are dropped, each {@code lists} array keeps only items the
 *       workspace owns (an item without a readable id is dropped; with {@code adopt}, an item nobody
 *       owns is claimed first when its parent is the workspace's), and each {@code record} id is
 *       claimed for the workspace.</li>
 * </ul>
 * An empty answer (a HEAD request's) passes unchanged. Fails (the proxy answers 502) when a 2xx
 * answer is not JSON, a recorded id is missing or owned by another workspace, or the registry
 * fails: nothing unchecked reaches the client.
 */
final class ResponseFilter implements ForwardPlan.ResponseTransformer {

  static final String SECRETS = "secrets";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OwnershipRegistry registry;
  private final String workspace;
  private final String entity;
  private final Isolation.Response rules;

  ResponseFilter(OwnershipRegistry registry, String workspace, String entity, Isolation.Response rules) {
    this.registry = registry;
    this.workspace = workspace;
    this.entity = entity;
    this.rules = rules;
  }

  @Override
  public Future<Buffer> transform(int status, Buffer body) {
    if (body.length() == 0 || nothingToDo(body)) {
      return Future.succeededFuture(body);
    }
    JsonNode root;
    try {
      root = JSON.readTree(body.getBytes());
    } catch (IOException e) {
      return status / 100 == 2 ? Future.failedFuture(new IllegalStateException("answer is not JSON"))
          : Future.succeededFuture(body);
    }
    if (root == null) {
      return Future.succeededFuture(body);
    }
    redact(root);
    if (status / 100 != 2) {
      return Future.succeededFuture(write(root));
    }
    for (JsonPointer pointer : rules.remove()) {
      remove(root, pointer);
    }
    return record(root)
        .compose(v -> filterLists(root))
        .map(v -> write(root));
  }

  /**
   * True when the answer needs no change: the route has no response rules and the text holds
   * neither the property name nor any backslash-u escape that could spell it. Saves parsing most
   * answers.
   */
  private boolean nothingToDo(Buffer body) {
    if (!rules.equals(Isolation.Response.NONE)) {
      return false;
    }
    String text = body.toString(StandardCharsets.UTF_8);
    return !text.contains(SECRETS) && !text.contains("\\u");
  }

  /** Removes every {@value #SECRETS} property at any depth. */
  static void redact(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(SECRETS);
      object.forEach(ResponseFilter::redact);
    } else if (node instanceof ArrayNode array) {
      array.forEach(ResponseFilter::redact);
    }
  }

  private Future<Void> record(JsonNode root) {
    List<Future<Void>> claims = new ArrayList<>();
    for (Isolation.RecordRule rule : rules.record()) {
      JsonNode id = root.at(rule.at());
      if (!id.isTextual() || id.asText().isEmpty() || id.asText().length() > Ownership.MAX_ID_LENGTH) {
        return Future.failedFuture(new IllegalStateException("created resource without a usable id"));
      }
      claims.add(registry.claim(workspace, rule.kind(), id.asText()).compose(owned -> owned
          ? Future.succeededFuture()
          : Future.failedFuture(new IllegalStateException("created resource already owned elsewhere"))));
    }
    return Future.all(claims).mapEmpty();
  }

  private Future<Void> filterLists(JsonNode root) {
    List<Future<Void>> lists = new ArrayList<>();
    for (Isolation.ListRule rule : rules.lists()) {
      JsonNode node = root.at(rule.at());
      if (node instanceof ArrayNode array) {
        lists.add(filter(array, rule));
      } else if (!node.isMissingNode() && !node.isNull()) {
        return Future.failedFuture(new IllegalStateException("list is not an array"));
      }
    }
    return Future.all(lists).mapEmpty();
  }

  private Future<Void> filter(ArrayNode array, Isolation.ListRule rule) {
    List<Future<Boolean>> keep = new ArrayList<>();
    for (JsonNode item : array) {
      JsonNode id = rule.id().map(item::at).orElse(item);
      keep.add(id.isTextual() ? keeps(rule, item, id.asText()) : Future.succeededFuture(false));
    }
    return Future.all(keep).map(v -> {
      Iterator<JsonNode> items = array.iterator();
      for (Future<Boolean> k : keep) {
        items.next();
        if (!k.result()) {
          items.remove();
        }
      }
      return null;
    });
  }

  private Future<Boolean> keeps(Isolation.ListRule rule, JsonNode item, String id) {
    Future<Boolean> owned = Ownership.ownedAsAny(registry, workspace, entity, rule.kinds(), id);
    if (rule.adopt().isEmpty()) {
      return owned;
    }
    Isolation.Adopt adopt = rule.adopt().get();
    ResourceKind kind = rule.kinds().iterator().next();
    return owned.compose(mine -> mine ? Future.succeededFuture(true)
        : parentOwned(adopt, item).compose(ours -> !ours ? Future.succeededFuture(false)
            : anyOwner(rule, id).compose(taken -> taken ? Future.succeededFuture(false)
                : registry.claim(workspace, kind, id))));
  }

  /** Whether the item's parent is the caller's; an item without a readable parent proves nothing. */
  private Future<Boolean> parentOwned(Isolation.Adopt adopt, JsonNode item) {
    JsonNode parent = item.at(adopt.parent());
    return parent.isTextual() ? Ownership.ownedAsAny(registry, workspace, entity, adopt.kinds(), parent.asText())
        : Future.succeededFuture(false);
  }

  private Future<Boolean> anyOwner(Isolation.ListRule rule, String id) {
    Future<Boolean> any = Future.succeededFuture(false);
    for (ResourceKind kind : rule.kinds()) {
      any = any.compose(found -> found ? Future.succeededFuture(true) : registry.owner(kind, id).map(o -> o.isPresent()));
    }
    return any;
  }

  private static void remove(JsonNode root, JsonPointer pointer) {
    if (root.at(pointer.head()) instanceof ObjectNode parent) {
      parent.remove(pointer.last().getMatchingProperty());
    }
  }

  private static Buffer write(JsonNode root) {
    try {
      return Buffer.buffer(JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new IllegalStateException("a parsed JSON tree always serializes", e);
    }
  }
}
