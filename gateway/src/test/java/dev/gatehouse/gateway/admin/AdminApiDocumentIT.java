package dev.gatehouse.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.GatewayFixture;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's OpenAPI document ({@value OpenApiRoutes#RESOURCE}) is a valid OpenAPI 3.1
 * document, describes exactly the routes a started gateway mounts on its admin router (path and
 * method), and documents exactly the query parameters each route declares. A route or a declared
 * parameter added without its description fails here.
 */
class AdminApiDocumentIT {

  /** The routes that read query parameters, and the sets they declare. Every other route reads none. */
  static final Map<String, Set<String>> DECLARED_PARAMETERS = Map.of(
      "GET /admin/v1/audit", AuditRoutes.SEARCH_PARAMETERS,
      "GET /admin/v1/audit/verify", AuditRoutes.VERIFY_PARAMETERS,
      "GET /admin/v1/audit/verify/plan", AuditRoutes.VERIFY_PARAMETERS,
      "GET /admin/v1/alerts", AlertRoutes.LIST_PARAMETERS,
      "GET /admin/v1/tokens", TokenRoutes.LIST_PARAMETERS,
      "GET /admin/v1/egress/usage", EgressRoutes.USAGE_PARAMETERS);

  @TempDir
  static Path dataDir;
  static GatewayFixture node;
  static String document;
  static OpenAPI api;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir);
    try (InputStream in = AdminApiDocumentIT.class.getResourceAsStream(OpenApiRoutes.RESOURCE)) {
      document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ParseOptions options = new ParseOptions();
    options.setResolveFully(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document, null, options);
    assertEquals(List.of(), parsed.getMessages() == null ? List.of() : parsed.getMessages(),
        "the parser's validation messages");
    api = parsed.getOpenAPI();
    assertNotNull(api);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void theDocumentIsAValidOpenApi31Document() {
    assertEquals("3.1.0", api.getOpenapi());
    assertTrue(api.getPaths().size() > 20, "the whole admin API");
    api.getPaths().forEach((path, item) -> operations(item).forEach((method, operation) -> {
      assertNotNull(operation.getOperationId(), method + " " + path + " has an operation id");
      assertNotNull(operation.getResponses(), method + " " + path + " has responses");
    }));
  }

  @Test
  void everyMountedAdminRouteIsDocumentedAndEveryDocumentedRouteIsMounted() {
    Set<String> mounted = new TreeSet<>();
    for (Route route : node.gateway.adminRouter().getRoutes()) {
      String path = route.getPath();
      Set<HttpMethod> methods = route.methods();
      if (path == null || path.endsWith("*") || methods == null || methods.isEmpty()) {
        continue; // handlers for every request (audit, body, authentication), not routes
      }
      String templated = path.replaceAll(":([A-Za-z]+)", "{$1}");
      methods.forEach(method -> mounted.add(method.name() + " " + templated));
    }
    Set<String> documented = new TreeSet<>();
    api.getPaths().forEach((path, item) -> operations(item).keySet()
        .forEach(method -> documented.add(method + " " + path)));

    assertTrue(mounted.size() > 20, "the admin router was read: " + mounted);
    assertEquals(mounted, documented);
  }

  @Test
  void everyRoutesQueryParametersAreDocumentedExactly() {
    Map<String, Set<String>> documented = new TreeMap<>();
    api.getPaths().forEach((path, item) -> operations(item).forEach((method, operation) -> {
      Set<String> names = new TreeSet<>();
      List<Parameter> parameters = new java.util.ArrayList<>();
      if (item.getParameters() != null) {
        parameters.addAll(item.getParameters());
      }
      if (operation.getParameters() != null) {
        parameters.addAll(operation.getParameters());
      }
      parameters.stream().filter(p -> "query".equals(p.getIn())).forEach(p -> names.add(p.getName()));
      documented.put(method + " " + path, names);
    }));

    documented.forEach((route, names) ->
        assertEquals(new TreeSet<>(DECLARED_PARAMETERS.getOrDefault(route, Set.of())), names, route));
    assertTrue(documented.keySet().containsAll(DECLARED_PARAMETERS.keySet()));
  }

  @Test
  void theAdminApiServesTheDocumentToAnAdmin() throws IOException, InterruptedException, Exception {
    HttpResponse<String> served = node.admin.get("/admin/v1/openapi.yaml");

    assertEquals(200, served.statusCode());
    assertTrue(served.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
    assertEquals(document, served.body());
  }

  private static Map<String, Operation> operations(PathItem item) {
    Map<String, Operation> operations = new TreeMap<>();
    item.readOperationsMap().forEach((method, operation) -> operations.put(method.name(), operation));
    return operations;
  }
}
