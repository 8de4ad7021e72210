package dev.gatehouse.gateway.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.ownership.ResourceKind;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttachmentsTest {

  static final String AGENT = "5a9c0e0e-1111-4c3b-9a55-000000000001";
  static final String CHANNEL = "5a9c0e0e-2222-4c3b-9a55-000000000002";
  static final String FOREIGN = "5a9c0e0e-3333-4c3b-9a55-000000000003";
  /** What the workspace owns: its agent, its channel and one uploaded file. */
  static final Map<ResourceKind, Set<String>> OWNED = Map.of(ResourceKind.AGENT, Set.of(AGENT),
      ResourceKind.CHANNEL, Set.of(CHANNEL), ResourceKind.MEDIA, Set.of("notes-1.txt"));

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no attachments                  | {"content":"hi"}                                                                            | true
      an attachment without a url     | {"attachments":[{"title":"t"}]}                                                             | true
      own media of an agent           | {"attachments":[{"url":"/media/uploads/agents/AGENT/notes-1.txt"}]}                         | true
      own media of a channel, nested  | {"metadata":{"attachments":[{"url":"/media/uploads/channels/CHANNEL/notes-1.txt"}]}}        | true
      an absolute URL                 | {"metadata":{"attachments":[{"url":"http://127.0.0.1:9/x","contentType":"document"}]}}      | false
      a runtime route                 | {"attachments":[{"url":"/api/agents"}]}                                                     | false
      another workspace's agent       | {"attachments":[{"url":"/media/uploads/agents/FOREIGN/notes-1.txt"}]}                       | false
      a file it did not upload        | {"attachments":[{"url":"/media/uploads/agents/AGENT/other.txt"}]}                           | false
      a dot-dot file name             | {"attachments":[{"url":"/media/uploads/agents/AGENT/.."}]}                                  | false
      an encoded traversal            | {"attachments":[{"url":"/media/uploads/agents/AGENT/%2e%2e%2fx"}]}                          | false
      a url that is not text          | {"attachments":[{"url":{"href":"http://x"}}]}                                               | false
      a bare url string               | {"attachments":["http://127.0.0.1:9/x"]}                                                     | false
      one good and one bad            | {"attachments":[{"url":"/media/uploads/agents/AGENT/notes-1.txt"},{"url":"file:///etc/passwd"}]} | false
      """)
  @Tag("T-ISO-014")
  void only_the_workspaces_own_uploaded_media_may_be_attached(String name, String body, boolean allowed)
      throws Exception {
    var json = new ObjectMapper().readTree(body.replace("FOREIGN", FOREIGN).replace("AGENT", AGENT)
        .replace("CHANNEL", CHANNEL));

    Future<Boolean> result = Attachments.allowed(json,
        (kind, id) -> Future.succeededFuture(OWNED.getOrDefault(kind, Set.of()).contains(id)));

    assertEquals(allowed, result.result());
  }
}
