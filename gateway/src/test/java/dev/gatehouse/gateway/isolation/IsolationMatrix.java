package dev.gatehouse.gateway.isolation;

import com.fasterxml.jackson.core.JsonPointer;
import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.policy.Isolation;
import dev.gatehouse.gateway.policy.PolicyLoader;
import dev.gatehouse.gateway.policy.Route;
import dev.gatehouse.gateway.policy.RouteAction;
import dev.gatehouse.gateway.policy.RoutePolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cross-workspace matrix over every route of the shipped policy: workspace B's token against
 * each route, with workspace A's ids wherever the route names a resource (path, query and body).
 *
 * <ul>
 *   <li>a deny route answers 403;</li>
 *   <li>a route that binds any id answers 404 {@code not_found} (never the runtime's answer);</li>
 *   <li>a route that binds nothing must be listed in {@link #UNBOUND} (so a new route without a
 *       binding fails the matrix until someone decides what it may show), and B's answer on it
 *       contains none of A's ids.</li>
 * </ul>
 * Every answer is also checked for the forbidden strings (runtime key, salt, secret values).
 */
final class IsolationMatrix {

  /** Allow routes that name no resource; B may call them, and their answers must not show A's ids. */
  static final Set<String> UNBOUND = Set.of("server-hello", "server-health", "system-version", "system-config",
      "agents-list", "agents-create", "messaging-message-server-current", "messaging-message-servers",
      "messaging-central-servers", "messaging-sessions", "messaging-jobs");

  /** One matrix row as run: route, request, answer, and what was wrong (empty when nothing). */
  record Row(String routeId, String method, String target, int status, List<String> problems) {}

  private final HttpClient http = HttpClient.newHttpClient();
  private final String gatewayUrl;
  private final String tokenB;
  private final Map<ResourceKind, String> idsOfA;
  private final Collection<String> forbidden;

  /**
   * @param idsOfA one id owned by workspace A for every resource kind
   * @param forbidden strings no answer may contain (runtime key, salt, secret values)
   */
  IsolationMatrix(String gatewayUrl, String tokenB, Map<ResourceKind, String> idsOfA, Collection<String> forbidden) {
    this.gatewayUrl = gatewayUrl;
    this.tokenB = tokenB;
    this.idsOfA = Map.copyOf(idsOfA);
    this.forbidden = List.copyOf(forbidden);
  }

  static RoutePolicy shippedPolicy() {
    return new PolicyLoader().loadDefault();
  }

  List<Row> run() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (Route route : shippedPolicy().routes()) {
      rows.add(run(route));
    }
    return rows;
  }

  private Row run(Route route) throws Exception {
    String method = method(route);
    String target = target(route);
    JsonObject body = body(route.isolation());
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gatewayUrl + target))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + tokenB)
        .header("Content-Type", "application/json")
        .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    List<String> problems = new ArrayList<>();
    boolean bound = !route.isolation().path().isEmpty() || !route.isolation().query().isEmpty()
        || route.isolation().body().map(b -> !b.bind().isEmpty()).orElse(false);
    if (route.action() == RouteAction.PUBLIC) {
      // Public routes carry no workspace data; only the leak checks below apply.
    } else if (route.action() == RouteAction.DENY) {
      expect(problems, response, 403, "forbidden");
    } else if (bound) {
      expect(problems, response, 404, "not_found");
    } else if (!UNBOUND.contains(route.id())) {
      problems.add("allow route binds nothing and has no matrix case in IsolationMatrix.UNBOUND");
    }
    for (String id : idsOfA.values()) {
      if (response.body().contains(id)) {
        problems.add("answer shows A's id " + id);
      }
    }
    for (String secret : forbidden) {
      if (response.body().contains(secret)) {
        problems.add("answer contains a forbidden value");
      }
    }
    return new Row(route.id(), method, target, response.statusCode(), problems);
  }

  private static void expect(List<String> problems, HttpResponse<String> response, int status, String key) {
    if (response.statusCode() != status) {
      problems.add("expected " + status + " but got " + response.statusCode());
    } else if (!new JsonObject().put("error", key).encode().equals(response.body())) {
      problems.add("expected the generic " + key + " body");
    }
  }

  private static String method(Route route) {
    for (String m : List.of("GET", "POST", "PATCH", "PUT", "DELETE")) {
      if (route.methods().contains(m)) {
        return m;
      }
    }
    throw new IllegalStateException(route.id() + " has no usable method");
  }

  private String target(Route route) {
    StringBuilder path = new StringBuilder();
    for (String segment : route.path().text().substring(1).split("/")) {
      path.append('/');
      if (segment.equals("**")) {
        path.append("anything");
      } else if (segment.startsWith("{")) {
        String name = segment.substring(1, segment.length() - 1);
        Set<ResourceKind> kinds = route.isolation().path().get(name);
        path.append(kinds == null ? "file.png" : idOf(kinds));
      } else {
        path.append(segment);
      }
    }
    List<String> query = new ArrayList<>();
    route.isolation().query().forEach((name, kinds) ->
        query.add(name + "=" + URLEncoder.encode(idOf(kinds), StandardCharsets.UTF_8)));
    return query.isEmpty() ? path.toString() : path + "?" + String.join("&", query);
  }

  private JsonObject body(Isolation isolation) {
    JsonObject body = new JsonObject();
    isolation.body().ifPresent(rules -> {
      for (JsonPointer required : rules.require()) {
        put(body, required, "required");
      }
      rules.bind().forEach((pointer, kinds) -> {
        boolean array = pointer.last().getMatchingProperty().endsWith("Ids");
        put(body, pointer, array ? new JsonArray().add(idOf(kinds)) : idOf(kinds));
      });
    });
    body.put("content", "matrix");
    return body;
  }

  private String idOf(Set<ResourceKind> kinds) {
    for (ResourceKind kind : kinds) {
      if (kind != ResourceKind.ENTITY && idsOfA.containsKey(kind)) {
        return idsOfA.get(kind);
      }
    }
    return idsOfA.get(kinds.iterator().next());
  }

  private static void put(JsonObject root, JsonPointer pointer, Object value) {
    JsonObject parent = root;
    JsonPointer rest = pointer;
    while (!rest.tail().matches()) {
      String name = rest.getMatchingProperty();
      if (!(parent.getValue(name) instanceof JsonObject)) {
        parent.put(name, new JsonObject());
      }
      parent = parent.getJsonObject(name);
      rest = rest.tail();
    }
    parent.put(rest.getMatchingProperty(), value);
  }
}
