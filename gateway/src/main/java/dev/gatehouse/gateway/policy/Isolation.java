package dev.gatehouse.gateway.policy;

import com.fasterxml.jackson.core.JsonPointer;
import dev.gatehouse.gateway.ownership.ResourceKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A route's workspace isolation rules, as written in the policy (keys {@code bind},
 * {@code within}, {@code query}, {@code body}, {@code response}); enforced by the
 * {@code isolation} stage. A value bound to several kinds passes when it is owned as any of them.
 *
 * @param path path parameter -> kinds it must be owned as
 * @param within path parameter -> the bound parameter that contains it (not checked itself)
 * @param query query parameter -> kinds every one of its values must be owned as
 * @param queryIdentity query parameters replaced by the caller's entity id
 * @param body rules on the JSON request body; present only when the body is inspected
 * @param response rules on the JSON answer
 */
public record Isolation(Map<String, Set<ResourceKind>> path, Map<String, String> within,
    Map<String, Set<ResourceKind>> query, Set<String> queryIdentity, Optional<Body> body, Response response) {

  /** A route without isolation rules (public and deny routes, and allow routes naming nothing). */
  public static final Isolation NONE = new Isolation(Map.of(), Map.of(), Map.of(), Set.of(), Optional.empty(),
      Response.NONE);

  public Isolation {
    path = Map.copyOf(path);
    within = Map.copyOf(within);
    query = Map.copyOf(query);
    queryIdentity = Set.copyOf(queryIdentity);
  }

  /**
   * Rules on a JSON request body (pointers per RFC 6901).
   *
   * @param bind field -> kinds its value, or each element of an array value, must be owned as
   * @param identity fields overwritten with the caller's entity id
   * @param fill fields set to the workspace's message server when absent
   * @param refuse fields whose presence refuses the request
   * @param require fields that must be present
   * @param character fields holding a character to deploy
   * @param plugins fields holding a list of plugin names, each of which must be on the runtime's
   *     plugin allowlist
   * @param secrets fields holding a character or a change to one (the empty pointer: the whole
   *     body): writing or clearing its {@code secrets} or {@code settings.secrets} needs the scope
   *     {@value #SECRETS_SCOPE}
   */
  public record Body(Map<JsonPointer, Set<ResourceKind>> bind, List<JsonPointer> identity, List<JsonPointer> fill,
      List<JsonPointer> refuse, List<JsonPointer> require, List<JsonPointer> character, List<JsonPointer> plugins,
      List<JsonPointer> secrets) {

    /** The scope a request needs to write a character's secrets. */
    public static final String SECRETS_SCOPE = "secrets:write";

    public Body {
      bind = Map.copyOf(bind);
      identity = List.copyOf(identity);
      fill = List.copyOf(fill);
      refuse = List.copyOf(refuse);
      require = List.copyOf(require);
      character = List.copyOf(character);
      plugins = List.copyOf(plugins);
      secrets = List.copyOf(secrets);
    }
  }

  /**
   * Rules on the runtime's JSON answer.
   *
   * @param lists arrays filtered to the caller's workspace's items
   * @param record resources created by the request, recorded as the caller's
   * @param remove fields removed
   */
  public record Response(List<ListRule> lists, List<RecordRule> record, List<JsonPointer> remove) {

    public static final Response NONE = new Response(List.of(), List.of(), List.of());

    public Response {
      lists = List.copyOf(lists);
      record = List.copyOf(record);
      remove = List.copyOf(remove);
    }
  }

  /**
   * A list in an answer.
   *
   * @param at the array
   * @param kinds what its items are
   * @param id the id inside each item; empty when each item is an id
   * @param adopt when present, an item nobody owns yet becomes the caller's, but only if its
   *     parent (the id at {@link Adopt#parent()} inside the item) is the caller's: a runtime query
   *     without a filter can list other workspaces' items under the caller's path
   */
  public record ListRule(JsonPointer at, Set<ResourceKind> kinds, Optional<JsonPointer> id, Optional<Adopt> adopt) {

    public ListRule {
      kinds = Set.copyOf(kinds);
    }
  }

  /** Adoption of unowned list items whose parent, at {@code parent} in the item, the caller owns as one of {@code kinds}. */
  public record Adopt(JsonPointer parent, Set<ResourceKind> kinds) {

    public Adopt {
      kinds = Set.copyOf(kinds);
    }
  }

  /** A resource id at {@code at} in a 2xx answer, created by the request. */
  public record RecordRule(JsonPointer at, ResourceKind kind) {}
}
