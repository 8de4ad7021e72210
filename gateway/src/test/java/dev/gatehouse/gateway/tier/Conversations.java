package dev.gatehouse.gateway.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.ChatClient;
import dev.gatehouse.gateway.testsupport.SocketIoTestClient;
import dev.gatehouse.gateway.testsupport.TestGateways;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two workspaces converse with their own agents at the same time, over Socket.IO (the elizaOS
 * client's frames, the all-zero message server) and over REST ({@code transport: http}), in
 * front of the real elizaOS with its message loop and a model; each hears its own agent and
 * nothing of the other's. Run once per isolation mode by the subclasses.
 */
abstract class Conversations {

  static final List<String> SCOPES = List.of("agents:read", "agents:write", "messages:read", "messages:write",
      "memories:read", "memories:write");

  /** The gateway under test, started by the subclass. */
  abstract Gateway gateway();

  /** One workspace's conversation: its agent and the answers it heard. */
  record Conversation(ChatClient client, String agent, String channel, String restAnswer, String socketAnswer,
      String restMarker, String socketMarker) {}

  static ChatClient person(Gateway gateway, AdminClient admin, String workspaceName, String subject) throws Exception {
    String workspace = admin.createWorkspace(workspaceName + "-" + UUID.randomUUID().toString().substring(0, 8));
    return new ChatClient(TestGateways.mainUrl(gateway), gateway.port(), workspace, subject,
        admin.mint(workspace, subject, SCOPES));
  }

  /** Deploys an agent, opens a DM channel with it, and asks it once over REST and once over Socket.IO. */
  static Conversation converse(ChatClient client, String agentName) throws Exception {
    String agent = client.deployAgent(agentName);
    String channel = client.openDirectChannel(agent);
    String restMarker = "MARK-rest-" + UUID.randomUUID();
    String restAnswer = client.askOverRest(channel, "hello " + restMarker);
    String socketMarker = "MARK-socket-" + UUID.randomUUID();
    String socketAnswer;
    try (SocketIoTestClient socket = client.openSocket()) {
      client.join(socket, channel);
      socketAnswer = client.askOverSocket(socket, channel, agent, "hi " + socketMarker);
    }
    return new Conversation(client, agent, channel, restAnswer, socketAnswer, restMarker, socketMarker);
  }

  @Test
  @Tag("T-ISO-006")
  void two_workspaces_converse_at_once_over_socket_io_and_rest_and_each_hears_only_its_own_agent() throws Exception {
    AdminClient admin = new AdminClient(gateway());
    ChatClient alice = person(gateway(), admin, "talk-a", "alice");
    ChatClient bob = person(gateway(), admin, "talk-b", "bob");
    // The same agent name in both workspaces: the runtime would derive the same id from it.
    String name = "Twin-" + UUID.randomUUID();

    CompletableFuture<Conversation> a = CompletableFuture.supplyAsync(() -> run(alice, name));
    CompletableFuture<Conversation> b = CompletableFuture.supplyAsync(() -> run(bob, name));
    Conversation withA = a.get(5, TimeUnit.MINUTES);
    Conversation withB = b.get(5, TimeUnit.MINUTES);

    for (Conversation c : List.of(withA, withB)) {
      assertEquals("echo: " + c.restMarker(), c.restAnswer(), "the agent answered over REST");
      assertEquals("echo: " + c.socketMarker(), c.socketAnswer(), "the agent answered over Socket.IO");
    }
    assertFalse(withA.agent().equals(withB.agent()), "one agent each, although the names are equal");
    assertNothingOf(withA, withB.client().answers());
    assertNothingOf(withB, withA.client().answers());
  }

  private static Conversation run(ChatClient client, String name) {
    try {
      return converse(client, name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** No answer {@code heard} by one person carries the other's agent, channel or words. */
  static void assertNothingOf(Conversation other, List<String> heard) {
    for (String answer : heard) {
      for (String theirs : List.of(other.agent(), other.channel(), other.restMarker(), other.socketMarker())) {
        assertFalse(answer.contains(theirs), () -> "an answer carried another workspace's " + theirs + ": " + answer);
      }
    }
  }
}
