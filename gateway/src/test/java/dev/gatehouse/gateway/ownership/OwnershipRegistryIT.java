package dev.gatehouse.gateway.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.store.ChangeFeed;
import dev.gatehouse.gateway.store.Database;
import dev.gatehouse.gateway.store.MigrationSet;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.workspace.WorkspaceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ownership registry on a real PostgreSQL, as two nodes sharing it. */
class OwnershipRegistryIT {

  @TempDir
  static Path dataDir;

  static final Vertx vertx = Vertx.vertx();
  static TestDatabase postgres;
  static Database database;
  static ChangeFeed feed1;
  static ChangeFeed feed2;
  static OwnershipRegistry node1;
  static OwnershipRegistry node2;
  static String workspaceA;
  static String workspaceB;

  @BeforeAll
  static void start() throws Exception {
    postgres = new TestDatabase();
    database = Await.result(Database.open(vertx,
        new GatewayConfig.Database(Optional.of(URI.create(postgres.url())), Optional.empty(), Optional.empty(), 4),
        dataDir, List.of(MigrationSet.GATEWAY)));
    feed1 = new ChangeFeed(vertx, database.connectOptions());
    feed2 = new ChangeFeed(vertx, database.connectOptions());
    node1 = new OwnershipRegistry(database.pool(), feed1);
    node2 = new OwnershipRegistry(database.pool(), feed2);
    Await.result(feed1.start());
    Await.result(feed2.start());
    WorkspaceStore workspaces = new WorkspaceStore(database.pool());
    workspaceA = Await.result(workspaces.create("owner-a")).orElseThrow().id().toString();
    workspaceB = Await.result(workspaces.create("owner-b")).orElseThrow().id().toString();
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(feed1.close());
    Await.result(feed2.close());
    Await.result(database.close());
    postgres.close();
    Await.result(vertx.close());
  }

  @Test
  @Tag("T-ISO-002")
  void an_id_nobody_claimed_is_owned_by_nobody() throws Exception {
    String id = UUID.randomUUID().toString();
    assertFalse(Await.result(node1.owns(workspaceA, ResourceKind.AGENT, id)));
    assertEquals(Optional.empty(), Await.result(node1.owner(ResourceKind.AGENT, id)));
  }

  @Test
  @Tag("T-ISO-012")
  void an_id_is_one_resource_in_every_spelling_of_its_uuid() throws Exception {
    String id = UUID.randomUUID().toString();
    String upper = id.toUpperCase(java.util.Locale.ROOT);
    assertTrue(Await.result(node1.claim(workspaceA, ResourceKind.AGENT, id)));

    assertFalse(Await.result(node2.claim(workspaceB, ResourceKind.AGENT, upper)), "B cannot claim A's id in upper case");
    assertFalse(Await.result(node2.claim(workspaceB, ResourceKind.AGENT, "{" + id.replace("-", "") + "}")));
    assertTrue(Await.result(node2.owns(workspaceA, ResourceKind.AGENT, upper)));
    assertFalse(Await.result(node1.owns(workspaceB, ResourceKind.AGENT, upper)));

    String claimedUpper = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
    assertTrue(Await.result(node1.claim(workspaceB, ResourceKind.AGENT, claimedUpper)));
    assertEquals(Optional.of(workspaceB), Await.result(node2.owner(ResourceKind.AGENT,
        claimedUpper.toLowerCase(java.util.Locale.ROOT))), "stored in its canonical spelling");
  }

  @Test
  @Tag("T-ISO-002")
  void the_first_claim_wins_and_is_never_moved() throws Exception {
    String id = UUID.randomUUID().toString();
    assertTrue(Await.result(node1.claim(workspaceA, ResourceKind.CHANNEL, id)));
    assertFalse(Await.result(node2.claim(workspaceB, ResourceKind.CHANNEL, id)), "B cannot take A's channel");
    assertTrue(Await.result(node2.claim(workspaceA, ResourceKind.CHANNEL, id)), "claiming again is idempotent");
    assertTrue(Await.result(node2.owns(workspaceA, ResourceKind.CHANNEL, id)));
    assertFalse(Await.result(node2.owns(workspaceB, ResourceKind.CHANNEL, id)));
    assertFalse(Await.result(node1.owns(workspaceA, ResourceKind.AGENT, id)), "kinds are separate");
  }

  @Test
  @Tag("T-ISO-002")
  void concurrent_claims_of_one_id_by_two_workspaces_give_it_to_exactly_one() throws Exception {
    for (int round = 0; round < 20; round++) {
      String id = UUID.randomUUID().toString();
      Future<Boolean> a = node1.claim(workspaceA, ResourceKind.SESSION, id);
      Future<Boolean> b = node2.claim(workspaceB, ResourceKind.SESSION, id);
      Await.result(Future.join(a, b));
      assertTrue(a.result() ^ b.result(), "exactly one workspace owns " + id);
    }
  }

  @Test
  void a_claim_on_one_node_evicts_the_other_nodes_cached_nobody() throws Exception {
    String id = UUID.randomUUID().toString();
    assertFalse(Await.result(node2.owns(workspaceA, ResourceKind.ROOM, id)), "node 2 caches 'nobody'");
    assertTrue(Await.result(node1.claim(workspaceA, ResourceKind.ROOM, id)));
    long deadline = System.nanoTime() + 5_000_000_000L;
    boolean seen = false;
    while (!seen && System.nanoTime() < deadline) {
      seen = Await.result(node2.owns(workspaceA, ResourceKind.ROOM, id));
      Thread.sleep(20);
    }
    assertTrue(seen, "node 2 sees the claim once the notification arrives");
  }

  @Test
  void the_runtimes_default_message_server_is_every_workspaces_and_others_are_owned_as_claimed() throws Exception {
    String server = UUID.randomUUID().toString();
    assertTrue(Await.result(node1.owns(workspaceA, ResourceKind.MESSAGE_SERVER, OwnershipRegistry.RUNTIME_MESSAGE_SERVER)));
    assertTrue(Await.result(node2.owns(workspaceB, ResourceKind.MESSAGE_SERVER, OwnershipRegistry.RUNTIME_MESSAGE_SERVER)));
    assertFalse(Await.result(node1.owns(workspaceA, ResourceKind.MESSAGE_SERVER, server)), "nobody's until claimed");

    assertTrue(Await.result(node1.claim(workspaceA, ResourceKind.MESSAGE_SERVER, server)));

    assertTrue(Await.result(node1.owns(workspaceA, ResourceKind.MESSAGE_SERVER, server)));
    assertFalse(Await.result(node1.owns(workspaceB, ResourceKind.MESSAGE_SERVER, server)));
  }
}
