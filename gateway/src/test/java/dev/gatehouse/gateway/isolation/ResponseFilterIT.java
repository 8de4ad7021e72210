package dev.gatehouse.gateway.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.ownership.OwnershipRegistry;
import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.policy.Isolation;
import dev.gatehouse.gateway.store.ChangeFeed;
import dev.gatehouse.gateway.store.Database;
import dev.gatehouse.gateway.store.MigrationSet;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.workspace.EntityIds;
import dev.gatehouse.gateway.workspace.WorkspaceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The response policy on fixtures, with a real ownership registry on PostgreSQL. */
class ResponseFilterIT {

  @TempDir
  static Path dataDir;

  static final Vertx vertx = Vertx.vertx();
  static TestDatabase postgres;
  static Database database;
  static ChangeFeed feed;
  static OwnershipRegistry registry;
  static String workspaceA;
  static String workspaceB;

  @BeforeAll
  static void start() throws Exception {
    postgres = new TestDatabase();
    database = Await.result(Database.open(vertx,
        new GatewayConfig.Database(Optional.of(URI.create(postgres.url())), Optional.empty(), Optional.empty(), 4),
        dataDir, List.of(MigrationSet.GATEWAY)));
    feed = new ChangeFeed(vertx, database.connectOptions());
    registry = new OwnershipRegistry(database.pool(), feed);
    Await.result(feed.start());
    WorkspaceStore workspaces = new WorkspaceStore(database.pool());
    workspaceA = Await.result(workspaces.create("filter-a")).orElseThrow().id().toString();
    workspaceB = Await.result(workspaces.create("filter-b")).orElseThrow().id().toString();
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(feed.close());
    Await.result(database.close());
    postgres.close();
    Await.result(vertx.close());
  }

  static String claimed(String workspace, ResourceKind kind) throws Exception {
    String id = UUID.randomUUID().toString();
    assertTrue(Await.result(registry.claim(workspace, kind, id)));
    return id;
  }

  static JsonObject apply(Isolation.Response rules, int status, JsonObject answer) throws Exception {
    ResponseFilter filter = new ResponseFilter(registry, workspaceA, EntityIds.of(workspaceA, "alice").toString(), rules);
    return new JsonObject(Await.result(filter.transform(status, answer.toBuffer())));
  }

  static Isolation.Response lists(Isolation.ListRule... rules) {
    return new Isolation.Response(List.of(rules), List.of(), List.of());
  }

  @Test
  @Tag("T-SEC-011")
  void secrets_are_removed_at_every_depth_from_every_answer() throws Exception {
    JsonObject answer = new JsonObject().put("data", new JsonObject()
        .put("character", new JsonObject().put("name", "x").put("secrets", new JsonObject().put("K", "v1"))
            .put("settings", new JsonObject().put("model", "m").put("secrets", new JsonObject().put("K", "v2"))))
        .put("list", new JsonArray().add(new JsonObject().put("secrets", "v3"))));
    for (int status : new int[] {200, 400, 500}) {
      JsonObject out = apply(Isolation.Response.NONE, status, answer);
      assertFalse(out.encode().contains("secrets"), out.encode());
      assertEquals("m", out.getJsonObject("data").getJsonObject("character").getJsonObject("settings").getString("model"));
    }
  }

  @Test
  @Tag("T-SEC-011")
  void a_secrets_key_spelled_with_escapes_is_removed_too_and_other_answers_pass_unchanged() throws Exception {
    String escaped = "{\"data\":{\"name\":\"x\",\"\\u0073ecrets\":{\"K\":\"v\"}}}";
    ResponseFilter filter = new ResponseFilter(registry, workspaceA, EntityIds.of(workspaceA, "alice").toString(),
        Isolation.Response.NONE);

    JsonObject out = new JsonObject(Await.result(filter.transform(200, Buffer.buffer(escaped))));
    assertEquals(new JsonObject().put("data", new JsonObject().put("name", "x")), out);
    Buffer plain = Buffer.buffer("{\"data\":{\"name\":\"x\"}}");
    assertEquals(plain, Await.result(filter.transform(200, plain)));
    ResponseFilter listing = new ResponseFilter(registry, workspaceA, EntityIds.of(workspaceA, "alice").toString(),
        lists(new Isolation.ListRule(JsonPointer.compile("/data"), Set.of(ResourceKind.AGENT), Optional.empty(), Optional.empty())));
    assertEquals(Buffer.buffer(), Await.result(listing.transform(200, Buffer.buffer())), "a HEAD answer has no body");
  }

  @Test
  @Tag("T-ISO-003")
  void a_list_keeps_only_the_workspaces_items() throws Exception {
    String mine = claimed(workspaceA, ResourceKind.AGENT);
    String theirs = claimed(workspaceB, ResourceKind.AGENT);
    String nobodys = UUID.randomUUID().toString();
    JsonObject answer = new JsonObject().put("data", new JsonObject().put("agents", new JsonArray()
        .add(new JsonObject().put("id", theirs).put("name", "b"))
        .add(new JsonObject().put("id", mine).put("name", "a"))
        .add(new JsonObject().put("id", nobodys))
        .add(new JsonObject().put("name", "no id"))
        .add(new JsonObject().put("id", 42))));

    JsonObject out = apply(lists(new Isolation.ListRule(JsonPointer.compile("/data/agents"), Set.of(ResourceKind.AGENT),
        Optional.of(JsonPointer.compile("/id")), Optional.empty())), 200, answer);

    assertEquals(new JsonArray().add(new JsonObject().put("id", mine).put("name", "a")),
        out.getJsonObject("data").getJsonArray("agents"));
  }

  @Test
  @Tag("T-ISO-003")
  void a_list_of_plain_ids_with_several_kinds_keeps_own_agents_and_the_callers_entity() throws Exception {
    String mine = claimed(workspaceA, ResourceKind.AGENT);
    String theirs = claimed(workspaceB, ResourceKind.AGENT);
    String me = EntityIds.of(workspaceA, "alice").toString();
    String someoneElse = EntityIds.of(workspaceB, "bob").toString();
    JsonObject answer = new JsonObject().put("data", new JsonArray().add(mine).add(theirs).add(me).add(someoneElse));

    JsonObject out = apply(lists(new Isolation.ListRule(JsonPointer.compile("/data"),
        Set.of(ResourceKind.AGENT, ResourceKind.ENTITY), Optional.empty(), Optional.empty())), 200, answer);

    assertEquals(new JsonArray().add(mine).add(me), out.getJsonArray("data"));
  }

  @Test
  @Tag("T-ISO-003")
  @Tag("T-ISO-013")
  void adopting_claims_only_unowned_items_whose_parent_is_the_workspaces() throws Exception {
    String myAgent = claimed(workspaceA, ResourceKind.AGENT);
    String theirAgent = claimed(workspaceB, ResourceKind.AGENT);
    String theirs = claimed(workspaceB, ResourceKind.MEMORY);
    String fresh = UUID.randomUUID().toString();
    String underTheirAgent = UUID.randomUUID().toString();
    String orphan = UUID.randomUUID().toString();
    JsonObject answer = new JsonObject().put("data", new JsonObject().put("memories", new JsonArray()
        .add(new JsonObject().put("id", fresh).put("agentId", myAgent))
        .add(new JsonObject().put("id", theirs).put("agentId", myAgent))
        .add(new JsonObject().put("id", underTheirAgent).put("agentId", theirAgent))
        .add(new JsonObject().put("id", orphan))));

    JsonObject out = apply(lists(new Isolation.ListRule(JsonPointer.compile("/data/memories"),
        Set.of(ResourceKind.MEMORY), Optional.of(JsonPointer.compile("/id")),
        Optional.of(new Isolation.Adopt(JsonPointer.compile("/agentId"), Set.of(ResourceKind.AGENT))))), 200, answer);

    assertEquals(new JsonArray().add(new JsonObject().put("id", fresh).put("agentId", myAgent)),
        out.getJsonObject("data").getJsonArray("memories"));
    assertTrue(Await.result(registry.owns(workspaceA, ResourceKind.MEMORY, fresh)));
    assertTrue(Await.result(registry.owns(workspaceB, ResourceKind.MEMORY, theirs)));
    assertEquals(Optional.empty(), Await.result(registry.owner(ResourceKind.MEMORY, underTheirAgent)),
        "an item under another workspace's agent is never adopted");
    assertEquals(Optional.empty(), Await.result(registry.owner(ResourceKind.MEMORY, orphan)));
  }

  @Test
  void created_ids_are_recorded_only_on_success() throws Exception {
    String created = UUID.randomUUID().toString();
    String refused = UUID.randomUUID().toString();
    Isolation.Response rules = new Isolation.Response(List.of(),
        List.of(new Isolation.RecordRule(JsonPointer.compile("/data/id"), ResourceKind.CHANNEL)), List.of());

    apply(rules, 201, new JsonObject().put("data", new JsonObject().put("id", created)));
    apply(rules, 400, new JsonObject().put("data", new JsonObject().put("id", refused)));

    assertTrue(Await.result(registry.owns(workspaceA, ResourceKind.CHANNEL, created)));
    assertEquals(Optional.empty(), Await.result(registry.owner(ResourceKind.CHANNEL, refused)));
  }

  @Test
  @Tag("T-ISO-002")
  void an_answer_creating_an_id_another_workspace_owns_is_not_delivered() throws Exception {
    String theirs = claimed(workspaceB, ResourceKind.SESSION);
    Isolation.Response rules = new Isolation.Response(List.of(),
        List.of(new Isolation.RecordRule(JsonPointer.compile("/sessionId"), ResourceKind.SESSION)), List.of());
    ResponseFilter filter = new ResponseFilter(registry, workspaceA, EntityIds.of(workspaceA, "alice").toString(), rules);

    assertRefused(filter.transform(201, new JsonObject().put("sessionId", theirs).toBuffer()));
    assertRefused(filter.transform(201, new JsonObject().put("other", "x").toBuffer()));
    assertRefused(filter.transform(200, Buffer.buffer("not json")));
  }

  static void assertRefused(Future<Buffer> transformed) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> Await.result(transformed));
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  @Tag("T-ISO-003")
  void totals_over_all_workspaces_are_removed() throws Exception {
    Isolation.Response rules = new Isolation.Response(List.of(), List.of(),
        List.of(JsonPointer.compile("/total"), JsonPointer.compile("/stats")));
    JsonObject out = apply(rules, 200, new JsonObject().put("total", 7).put("stats", new JsonObject().put("n", 7))
        .put("data", new JsonObject().put("messageServerId", "00000000-0000-0000-0000-000000000000")));

    assertEquals(new JsonObject().put("data", new JsonObject().put("messageServerId",
        "00000000-0000-0000-0000-000000000000")), out);
  }
}
